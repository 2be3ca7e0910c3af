-- Backups before runs (issue 17): the environment's beforeRun from cairn.config.json, and what a run's backup left.
ALTER TABLE "Environment" ADD COLUMN "beforeRun" JSONB;
ALTER TABLE "Run" ADD COLUMN "backupFile" TEXT;
ALTER TABLE "Run" ADD COLUMN "backupBytes" BIGINT;
ALTER TABLE "Run" ADD COLUMN "backupRestoreCommand" TEXT;
ALTER TABLE "Run" ADD COLUMN "backupCommand" TEXT;
