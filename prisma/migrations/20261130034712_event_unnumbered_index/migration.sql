-- CreateIndex
CREATE INDEX "Event_unnumbered_idx" ON "Event"("id") WHERE (seq IS NULL);
