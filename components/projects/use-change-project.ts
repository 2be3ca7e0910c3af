"use client";

/** The admin's changes to one registered project: delete it, reorder its environments, delete one, test one's connection. */
import { useMutation } from "@tanstack/react-query";
import { callApi } from "@/components/ui/call-api";
import type { ConnectionTestResult } from "@/lib/projects/test-environment-connection.types";

export type ProjectChange = { kind: "delete-project" } | { kind: "reorder"; order: string[] } | { kind: "delete-environment"; environment: string };

const projectPath = (project: string) => `/api/projects/${encodeURIComponent(project)}`;
const environmentPath = (project: string, environment: string) => `${projectPath(project)}/envs/${encodeURIComponent(environment)}`;

function send(project: string, c: ProjectChange): Promise<unknown> {
  switch (c.kind) {
    case "delete-project":
      return callApi("DELETE", projectPath(project));
    case "reorder":
      return callApi("PUT", `${projectPath(project)}/envs/order`, { order: c.order });
    case "delete-environment":
      return callApi("DELETE", environmentPath(project, c.environment));
  }
}

function saidOf(project: string, c: ProjectChange): string {
  switch (c.kind) {
    case "delete-project":
      return `Deleted project “${project}”.`;
    case "reorder":
      return `Promotion order of “${project}”: ${c.order.join(" → ")}.`;
    case "delete-environment":
      return `Deleted environment “${c.environment}”.`;
  }
}

/** One change at a time per project card: one pending state, one error; `onDone` gets what to tell the admin. */
export function useChangeProject(project: string, onDone: (message: string) => void) {
  return useMutation({ mutationFn: (c: ProjectChange) => send(project, c), onSuccess: (_, c) => onDone(saidOf(project, c)) });
}

/** Connects to one environment's database and reads its version table (nothing is written). */
export function useTestConnection(project: string, environment: string) {
  return useMutation({ mutationFn: () => callApi<ConnectionTestResult>("POST", `${environmentPath(project, environment)}/test`) });
}
