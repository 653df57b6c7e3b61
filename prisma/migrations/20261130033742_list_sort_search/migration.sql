-- CreateIndex
CREATE INDEX "Conversation_workspaceId_status_waitingSince_id_idx" ON "Conversation"("workspaceId", "status", "waitingSince", "id");

-- CreateIndex
CREATE INDEX "Conversation_inboxId_status_waitingSince_id_idx" ON "Conversation"("inboxId", "status", "waitingSince", "id");

-- CreateIndex
CREATE INDEX "Conversation_assigneeId_status_waitingSince_id_idx" ON "Conversation"("assigneeId", "status", "waitingSince", "id");

-- Search (GET /api/conversations?q=): full-text GIN indexes, written by hand (Prisma cannot declare
-- expression indexes, and its diff ignores them). The conversation repository's search SQL repeats
-- these expressions exactly, so the planner can use them. 'simple': no stemming, any language.
CREATE INDEX "Contact_name_search_idx" ON "Contact" USING GIN (to_tsvector('simple'::regconfig, COALESCE("name", '')));
CREATE INDEX "ContactIdentity_address_search_idx" ON "ContactIdentity" USING GIN (to_tsvector('simple'::regconfig, "address" || ' ' || replace("address", '@', ' ')));
CREATE INDEX "Conversation_subject_search_idx" ON "Conversation" USING GIN (to_tsvector('simple'::regconfig, COALESCE("subject", '')));
CREATE INDEX "Message_text_search_idx" ON "Message" USING GIN (to_tsvector('simple'::regconfig, "text"));
