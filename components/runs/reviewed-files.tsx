/**
 * The files a run's SQL was rendered from, as `sha256sum` lines: what approval and the runner compare
 * with the files on disk before anything runs. Collapsed; an operator can check them with `sha256sum -c`.
 */
export function ReviewedFiles({ lines }: { lines: string[] }) {
  if (!lines.length) return null;
  return (
    <details className="mt-1 text-xs text-stone-600" data-testid="reviewed-files">
      <summary className="cursor-pointer">
        Rendered from {lines.length} file{lines.length === 1 ? "" : "s"} (sha256): if any of them changes before the run starts, nothing runs and the run must be reviewed again
      </summary>
      <pre className="mt-1 max-h-48 overflow-auto rounded bg-stone-100 p-2 font-mono">{lines.join("\n")}</pre>
    </details>
  );
}
