// POST /api/projects/:project/envs/:env/test — "Test connection": read the version table once and say in plain words where it stands (admin; never returns the URL).
import { json, route } from "@/lib/api/route";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { testEnvironmentConnection } from "@/lib/projects/test-environment-connection";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string; env: string }>("projects.manage", async ({ db, params }) => json(await testEnvironmentConnection(db, params.project, params.env, serverUrlOptions())));
