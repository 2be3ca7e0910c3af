-- The drift a protected environment's background reading last found, so drift.found is emitted once per new drift.
ALTER TABLE "Environment" ADD COLUMN "driftFingerprint" TEXT;
