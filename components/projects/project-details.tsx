import type { PublicProject } from "@/lib/projects/to-public-environment";
import { joinWords } from "@/components/projects/form-values";

/** How Cairn runs a project's Alembic: its path, command, URL variable, -x arguments and constants. */
export function ProjectDetails({ project }: { project: PublicProject }) {
  return (
    <dl className="grid gap-x-6 gap-y-1 text-xs sm:grid-cols-[max-content_1fr]">
      <dt className="text-stone-500">Alembic path</dt>
      <dd className="font-mono break-all text-stone-800">{project.alembicPath}</dd>
      <dt className="text-stone-500">Command</dt>
      <dd className="font-mono text-stone-800">{joinWords(project.command)}</dd>
      <dt className="text-stone-500">URL variable</dt>
      <dd className="font-mono text-stone-800">{project.urlEnvVar}</dd>
      {project.xArgs.length > 0 && (
        <>
          <dt className="text-stone-500">-x arguments</dt>
          <dd className="font-mono text-stone-800">{project.xArgs.join(" ")}</dd>
        </>
      )}
      {Object.keys(project.constants).length > 0 && (
        <>
          <dt className="text-stone-500">Constants</dt>
          <dd className="font-mono break-all text-stone-800">{JSON.stringify(project.constants)}</dd>
        </>
      )}
    </dl>
  );
}
