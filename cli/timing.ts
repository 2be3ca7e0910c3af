// CAIRN_TIMING=1 prints, on stderr, how far into the process (ms since Node started) each step of a
// command ended — the spans docs/benchmarks.md is written from. Off, it costs one env lookup.
const on = process.env.CAIRN_TIMING === "1";

export function mark(step: string): void {
  if (on) process.stderr.write(`cairn timing: ${step.padEnd(22)} ${performance.now().toFixed(1).padStart(7)} ms\n`);
}
