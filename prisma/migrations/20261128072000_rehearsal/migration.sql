-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "rehearsal" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "rehearsal" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "Rehearsal" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "kind" "RunKind" NOT NULL,
    "fromKey" TEXT NOT NULL,
    "fromRevisions" JSONB NOT NULL DEFAULT '[]',
    "target" TEXT NOT NULL,
    "path" JSONB NOT NULL DEFAULT '[]',
    "filesHash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "stepsOk" BOOLEAN,
    "roundTripChecked" BOOLEAN NOT NULL DEFAULT false,
    "reversible" BOOLEAN,
    "differences" JSONB NOT NULL DEFAULT '[]',
    "steps" JSONB NOT NULL DEFAULT '[]',
    "headline" TEXT,
    "progress" TEXT,
    "requestedById" TEXT,
    "requestedBy" TEXT NOT NULL,
    "instanceId" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Rehearsal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Rehearsal_environmentId_fromKey_target_filesHash_createdAt_idx" ON "Rehearsal"("environmentId", "fromKey", "target", "filesHash", "createdAt");

-- CreateIndex
CREATE INDEX "Rehearsal_status_idx" ON "Rehearsal"("status");

-- AddForeignKey
ALTER TABLE "Rehearsal" ADD CONSTRAINT "Rehearsal_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rehearsal" ADD CONSTRAINT "Rehearsal_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

