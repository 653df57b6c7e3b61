-- The relay's work list: only events not numbered yet (see schema.prisma, model Event: not modelled there).
-- CreateIndex
CREATE INDEX "Event_unnumbered_idx" ON "Event"("id") WHERE (seq IS NULL);
