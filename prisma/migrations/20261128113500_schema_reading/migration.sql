-- CreateTable
CREATE TABLE "SchemaReading" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "durationMs" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "revisions" JSONB,
    "fingerprint" TEXT,
    "snapshot" JSONB,
    "error" TEXT,

    CONSTRAINT "SchemaReading_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SchemaReading_environmentId_readAt_idx" ON "SchemaReading"("environmentId", "readAt");

-- AddForeignKey
ALTER TABLE "SchemaReading" ADD CONSTRAINT "SchemaReading_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
