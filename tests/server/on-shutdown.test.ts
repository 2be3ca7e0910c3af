import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Starts the harness, waits for "ready", sends the signal; resolves with what it printed and how it ended. */
function signalled(signal: NodeJS.Signals): Promise<{ out: string; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/server/harness/shutdown-in-child.ts"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready\n") && !child.killed) child.kill(signal);
    });
    child.on("error", reject);
    child.on("exit", (code, sig) => resolve({ out, code, signal: sig }));
  });
}

describe("onShutdown", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s every closer finishes before the process goes down as the signal's default would",
    async (signal) => {
      const r = await signalled(signal);
      expect(r.out).toContain("quick closer done");
      expect(r.out).toContain("slow closer done");
      expect(r.out).not.toContain("unregistered closer ran");
      expect(r.signal).toBe(signal);
    },
    30_000,
  );
});
