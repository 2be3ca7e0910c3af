-- Lists kept as JSON arrays become TEXT[] (Prisma's String[]), converted in place: every store has rows.
-- ALTER COLUMN ... TYPE cannot run a subquery, so this function does the conversion and is dropped below. It keeps
-- the string elements in order and drops anything else, as the code reading these columns did (asStrings).
CREATE FUNCTION "_cairn_json_strings"(v JSONB) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(array_agg(e #>> '{}' ORDER BY i), ARRAY[]::TEXT[])
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE '[]'::JSONB END) WITH ORDINALITY AS t(e, i)
  WHERE jsonb_typeof(e) = 'string'
$$;

-- AlterTable
ALTER TABLE "ApiToken" ALTER COLUMN "scopes" DROP DEFAULT,
ALTER COLUMN "scopes" DROP NOT NULL,
ALTER COLUMN "scopes" TYPE TEXT[] USING "_cairn_json_strings"("scopes"),
ALTER COLUMN "scopes" SET DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Environment" ALTER COLUMN "approvers" DROP DEFAULT,
ALTER COLUMN "approvers" DROP NOT NULL,
ALTER COLUMN "approvers" TYPE TEXT[] USING "_cairn_json_strings"("approvers"),
ALTER COLUMN "approvers" SET DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Project" ALTER COLUMN "command" DROP DEFAULT,
ALTER COLUMN "command" DROP NOT NULL,
ALTER COLUMN "command" TYPE TEXT[] USING "_cairn_json_strings"("command"),
ALTER COLUMN "command" SET DEFAULT ARRAY['alembic']::TEXT[],
ALTER COLUMN "xArgs" DROP DEFAULT,
ALTER COLUMN "xArgs" DROP NOT NULL,
ALTER COLUMN "xArgs" TYPE TEXT[] USING "_cairn_json_strings"("xArgs"),
ALTER COLUMN "xArgs" SET DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Rehearsal" ALTER COLUMN "fromRevisions" DROP DEFAULT,
ALTER COLUMN "fromRevisions" DROP NOT NULL,
ALTER COLUMN "fromRevisions" TYPE TEXT[] USING "_cairn_json_strings"("fromRevisions"),
ALTER COLUMN "fromRevisions" SET DEFAULT ARRAY[]::TEXT[],
ALTER COLUMN "path" DROP DEFAULT,
ALTER COLUMN "path" DROP NOT NULL,
ALTER COLUMN "path" TYPE TEXT[] USING "_cairn_json_strings"("path"),
ALTER COLUMN "path" SET DEFAULT ARRAY[]::TEXT[],
ALTER COLUMN "differences" DROP DEFAULT,
ALTER COLUMN "differences" DROP NOT NULL,
ALTER COLUMN "differences" TYPE TEXT[] USING "_cairn_json_strings"("differences"),
ALTER COLUMN "differences" SET DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Run" ALTER COLUMN "fromRevisions" DROP DEFAULT,
ALTER COLUMN "fromRevisions" DROP NOT NULL,
ALTER COLUMN "fromRevisions" TYPE TEXT[] USING "_cairn_json_strings"("fromRevisions"),
ALTER COLUMN "fromRevisions" SET DEFAULT ARRAY[]::TEXT[],
ALTER COLUMN "path" DROP DEFAULT,
ALTER COLUMN "path" DROP NOT NULL,
ALTER COLUMN "path" TYPE TEXT[] USING "_cairn_json_strings"("path"),
ALTER COLUMN "path" SET DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "SignInFailure" ALTER COLUMN "addresses" DROP DEFAULT,
ALTER COLUMN "addresses" DROP NOT NULL,
ALTER COLUMN "addresses" TYPE TEXT[] USING "_cairn_json_strings"("addresses"),
ALTER COLUMN "addresses" SET DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "SignOff" ALTER COLUMN "revisions" DROP NOT NULL,
ALTER COLUMN "revisions" TYPE TEXT[] USING "_cairn_json_strings"("revisions");

DROP FUNCTION "_cairn_json_strings"(JSONB);

-- Runs name their requester, approver and rejecter by user id. Users are disabled, never deleted, so every id
-- names a user; should a store hold one that does not (edited by hand), a disabled placeholder user keeps that
-- run's history and lets the foreign keys below hold, instead of failing start-up.
INSERT INTO "User" ("id", "email", "name", "disabled", "updatedAt")
SELECT DISTINCT u.id, 'missing-user-' || u.id || '@cairn.invalid', 'Missing user (named by a run)', true, CURRENT_TIMESTAMP
FROM (SELECT "requestedById" AS id FROM "Run" UNION SELECT "approvedById" FROM "Run" UNION SELECT "rejectedById" FROM "Run") u
WHERE u.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "User" x WHERE x."id" = u.id);

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_rejectedById_fkey" FOREIGN KEY ("rejectedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
