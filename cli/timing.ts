// CAIRN_TIMING=1 prints, on stderr, how far into the process (ms since Node started) each step of a
// command ended — the spans docs/benchmarks.md is written from — and the process's CPU time (user +
// system, all threads) by then, the steadier figure on a busy machine. Off, it costs one env lookup.
const on = process.env.CAIRN_TIMING === "1";

export function mark(step: string): void {
  if (!on) return;
  const { user, system } = process.cpuUsage();
  process.stderr.write(`cairn timing: ${step.padEnd(22)} ${performance.now().toFixed(1).padStart(7)} ms, CPU ${((user + system) / 1000).toFixed(1).padStart(7)} ms\n`);
}
