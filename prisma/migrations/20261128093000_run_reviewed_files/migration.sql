-- The files a run's reviewed SQL was rendered from (sha256sum lines); empty for runs stored before this column.
ALTER TABLE "Run" ADD COLUMN "reviewedFiles" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
