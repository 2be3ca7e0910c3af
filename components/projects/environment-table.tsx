"use client";
import type { PublicProject } from "@/lib/projects/to-public-environment";
import { EnvironmentRow } from "@/components/projects/environment-row";

/** A project's environments in promotion order, each with its masked URL, version table and approvers. */
export function EnvironmentTable({
  project,
  readOnly,
  pending,
  onMove,
  onDelete,
  onDone,
}: {
  project: PublicProject;
  readOnly: boolean;
  /** A change of the project is under way: its buttons wait. */
  pending: boolean;
  onMove: (index: number, by: -1 | 1) => void;
  onDelete: (environment: string) => void;
  onDone: (message: string) => void;
}) {
  const last = project.environments.length - 1;
  return (
    <div className="overflow-x-auto rounded-md border border-stone-200">
      <table className="min-w-full divide-y divide-stone-200 text-sm">
        <thead className="bg-stone-50 text-left text-xs font-semibold tracking-wide text-stone-500 uppercase">
          <tr>
            <th className="px-3 py-2">#</th>
            <th className="px-3 py-2">Environment</th>
            <th className="px-3 py-2">URL</th>
            <th className="px-3 py-2">Version table</th>
            <th className="px-3 py-2">Approvers</th>
            <th className="px-3 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {project.environments.length === 0 && (
            <tr>
              <td colSpan={6} className="px-3 py-4 text-center text-stone-500">
                No environments yet.
              </td>
            </tr>
          )}
          {project.environments.map((env, i) => (
            <EnvironmentRow
              key={env.id}
              projectName={project.name}
              env={env}
              readOnly={readOnly}
              pending={pending}
              onMove={!readOnly ? { up: i > 0 ? () => onMove(i, -1) : undefined, down: i < last ? () => onMove(i, 1) : undefined } : undefined}
              onDelete={() => onDelete(env.name)}
              onDone={onDone}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
