-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'stale';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "cancelReason" TEXT,
ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "cancelRequestedBy" TEXT,
ADD COLUMN     "executedFrom" JSONB,
ADD COLUMN     "executedSteps" JSONB,
ADD COLUMN     "runnerHost" TEXT,
ADD COLUMN     "runnerLogFile" TEXT,
ADD COLUMN     "runnerPid" INTEGER;

-- At most one open run (awaiting approval, queued or running) per environment, across every Cairn
-- instance sharing this store. Older duplicates left by earlier versions are cancelled first.
UPDATE "Run" r SET "status" = 'cancelled', "finishedAt" = CURRENT_TIMESTAMP,
  "errorTail" = 'Cancelled when Cairn began allowing one open request per environment: a newer request for this environment was already open.'
WHERE r."status" IN ('awaiting_approval', 'queued')
  AND EXISTS (SELECT 1 FROM "Run" o WHERE o."environmentId" = r."environmentId" AND o."status" IN ('awaiting_approval', 'queued', 'running')
              AND (o."status" = 'running' OR o."createdAt" > r."createdAt" OR (o."createdAt" = r."createdAt" AND o."id" > r."id")));
CREATE UNIQUE INDEX "Run_one_open_per_environment" ON "Run"("environmentId") WHERE "status" IN ('awaiting_approval', 'queued', 'running');
