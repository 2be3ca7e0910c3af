-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "project" TEXT;

-- Rows written before this column: name them after their project while it still exists.
UPDATE "AuditEvent" a SET "project" = p."name" FROM "Project" p WHERE a."projectId" = p."id";

-- CreateTable
CREATE TABLE "SignInFailure" (
    "email" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "wrongCredentials" INTEGER NOT NULL DEFAULT 0,
    "rateLimited" INTEGER NOT NULL DEFAULT 0,
    "addresses" JSONB NOT NULL DEFAULT '[]',
    "lastAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInFailure_pkey" PRIMARY KEY ("email","minute")
);
