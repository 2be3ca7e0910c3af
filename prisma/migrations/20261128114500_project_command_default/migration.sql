-- A project whose command was not a JSON list (null, or a hand-edited string) became an empty list in
-- 20261128093500_typed_lists, where the code before read it as ["alembic"]: restore that meaning, so no
-- plan or run tries to start an empty command (found in review).
UPDATE "Project" SET "command" = ARRAY['alembic']::TEXT[] WHERE "command" IS NULL OR cardinality("command") = 0;
