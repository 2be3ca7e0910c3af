-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "project" TEXT;

-- Rows written before this column: name them after their project while it still exists. The
-- trail is append-only (audit_event_no_update refuses every UPDATE), so the trigger is lifted for
-- this one statement only, inside the migration's transaction, and restored before it commits.
ALTER TABLE "AuditEvent" DISABLE TRIGGER "audit_event_no_update";
UPDATE "AuditEvent" a SET "project" = p."name" FROM "Project" p WHERE a."projectId" = p."id";
ALTER TABLE "AuditEvent" ENABLE TRIGGER "audit_event_no_update";

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
