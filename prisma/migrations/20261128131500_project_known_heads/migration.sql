-- The heads of each project's migration graph as Cairn last read them, so a new head is noticed
-- (graph.new_head webhook event) once across instances: a conditional update from the old value.
ALTER TABLE "Project" ADD COLUMN "knownHeads" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "Project" ADD COLUMN "headsSeenAt" TIMESTAMP(3);
