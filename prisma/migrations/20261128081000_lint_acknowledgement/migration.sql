-- CreateTable
CREATE TABLE "LintAcknowledgement" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "userId" TEXT,
    "email" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedEmail" TEXT,

    CONSTRAINT "LintAcknowledgement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LintAcknowledgement_projectId_revision_idx" ON "LintAcknowledgement"("projectId", "revision");

-- AddForeignKey
ALTER TABLE "LintAcknowledgement" ADD CONSTRAINT "LintAcknowledgement_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
