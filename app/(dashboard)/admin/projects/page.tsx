import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { listProjects } from "@/lib/projects/list-projects";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { ProjectsAdmin } from "@/components/projects/projects-admin";

export const metadata: Metadata = { title: "Projects" };
export const dynamic = "force-dynamic";

/** Register and edit projects and environments. Admins only; the API routes refuse everyone else as well. */
export default async function ProjectsAdminPage() {
  const actor = await requirePageActor("/admin/projects");
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
      <AdminTabs current="projects" />
      {can(actor, "projects.manage") ? (
        // Public shapes only: masked URLs or env: references, never a stored secret.
        <ProjectsAdmin projects={await listProjects(await getDb())} />
      ) : (
        <div role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
          Admins only: only admins can register and edit projects and environments. Ask an admin if you need a change.
        </div>
      )}
    </div>
  );
}
