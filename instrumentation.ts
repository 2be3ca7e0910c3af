/**
 * Next.js calls register() once per server process before it answers requests. Cairn's start-up
 * (bootstrap admin, projects from cairn.config.json, recovery of interrupted runs, the job queue
 * and its stale-run sweeps) runs here — in the Node.js runtime only, and never while `next build` collects pages.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startCairn } = await import("@/lib/server/start-up");
  await startCairn();
  // The pages' own modules, loaded once the server answers instead of on a person's first visit.
  const { warmPageModules } = await import("@/lib/server/warm-page-modules");
  warmPageModules();
}
