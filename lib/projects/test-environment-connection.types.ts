import type { EnvironmentState } from "@/lib/targets/types";

/** What POST /api/projects/:project/envs/:env/test answers and the "Test connection" button shows. Never holds the URL. */
export type ConnectionTestResult = {
  environment: string;
  /** The version table could be read (the database answered). */
  connected: boolean;
  /** Where it stands against the repo; null when the repo's migrations could not be read. */
  state: EnvironmentState | null;
  /** One or two sentences in plain words, free of credentials. */
  summary: string;
  revisions: string[];
  pending: string[];
  durationMs: number;
  checkedAt: string;
};
