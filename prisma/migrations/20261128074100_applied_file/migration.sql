-- CreateTable
CREATE TABLE "AppliedFile" (
    "environmentId" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "runId" TEXT,
    "appliedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppliedFile_pkey" PRIMARY KEY ("environmentId","revision")
);

-- AddForeignKey
ALTER TABLE "AppliedFile" ADD CONSTRAINT "AppliedFile_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
