"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { PublicProject } from "@/lib/projects/to-public-environment";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ProjectCard } from "@/components/projects/project-card";
import { ProjectForm } from "@/components/projects/project-form";

/**
 * Projects and their environments: register, edit, delete (with confirmation), reorder and test
 * connections. Every call goes to /api/projects…, which checks the admin role itself. URLs are
 * only ever shown masked, and projects from cairn.config.json are read-only.
 */
export function ProjectsAdmin({ projects }: { projects: PublicProject[] }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  const [adding, setAdding] = useState(projects.length === 0);

  const done = (message: string) => {
    setNotice(message);
    router.refresh();
  };

  return (
    <div className="space-y-6">
      {notice && <Alert tone="success">{notice}</Alert>}
      {projects.length === 0 && <p className="text-sm text-stone-500">No projects yet. Register one below, or declare it in cairn.config.json.</p>}
      {projects.map((p) => (
        <ProjectCard key={p.id} project={p} onDone={done} />
      ))}
      <section className="rounded-lg border border-stone-200 bg-white p-4">
        <div className="flex items-center justify-between">
          <h2 className="text-sm font-semibold text-stone-800">Register a project</h2>
          {!adding && (
            <Button size="xs" onClick={() => setAdding(true)}>
              New project
            </Button>
          )}
        </div>
        {adding && (
          <div className="mt-3">
            <ProjectForm onDone={done} onCancel={projects.length ? () => setAdding(false) : undefined} />
          </div>
        )}
      </section>
    </div>
  );
}
