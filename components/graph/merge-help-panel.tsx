"use client";

/**
 * "Merge help" on the graph's problems banner: asks the server for the merge the unlabelled heads need
 * (written by the project's own Alembic into a temporary copy) and shows the command and the file to
 * copy or download, with the graph it would leave. Fetched on demand: each ask starts a Python process.
 */
import { useState } from "react";
import type { MergeHelp } from "@/lib/merge-help/merge-help.types";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="xs"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setCopied(true));
      }}
    >
      {copied ? "Copied" : label}
    </Button>
  );
}

function download(fileName: string, contents: string) {
  const url = URL.createObjectURL(new Blob([contents], { type: "text/x-python" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  URL.revokeObjectURL(url);
}

export function MergeHelpPanel({ project }: { project: string }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<{ loading: true } | { help: MergeHelp } | { error: string } | null>(null);

  const load = () => {
    setState({ loading: true });
    callApi<MergeHelp>("GET", `/api/projects/${encodeURIComponent(project)}/merge-help`).then(
      (help) => setState({ help }),
      (e: unknown) => setState({ error: e instanceof Error ? e.message : "The merge could not be prepared." }),
    );
  };

  return (
    <div className="mt-1">
      <Button
        size="xs"
        aria-expanded={open}
        data-testid="merge-help-toggle"
        onClick={() => {
          setOpen(!open);
          if (!open && state === null) load();
        }}
      >
        Merge help
      </Button>
      {open ? (
        <div data-testid="merge-help" className="mt-2 space-y-2 rounded border border-stone-300 bg-white p-3">
          {state === null || "loading" in state ? <p className="text-stone-600">Asking the project&apos;s Alembic to write the merge in a temporary copy…</p> : null}
          {state && "error" in state ? (
            <p role="alert" className="text-red-800">
              {state.error}
            </p>
          ) : null}
          {state && "help" in state ? <MergeHelpBody help={state.help} onRetry={load} /> : null}
        </div>
      ) : null}
    </div>
  );
}

function MergeHelpBody({ help, onRetry }: { help: MergeHelp; onRetry(): void }) {
  if (help.kind === "none") return <p>{help.message}</p>;
  const command = (
    <div>
      <p className="font-semibold">Run in the project&apos;s directory:</p>
      <div className="mt-1 flex items-start gap-2">
        <pre data-testid="merge-help-command" className="flex-1 overflow-x-auto rounded bg-stone-100 px-2 py-1 font-mono text-xs">
          {help.command}
        </pre>
        <CopyButton text={help.command} label="Copy command" />
      </div>
    </div>
  );
  if (help.kind === "failed") {
    return (
      <>
        {command}
        <p role="alert" className="text-red-800">
          {help.message}
        </p>
        {help.details.length ? (
          <details>
            <summary className="cursor-pointer text-stone-700">Alembic&apos;s output</summary>
            <pre className="mt-1 overflow-x-auto rounded bg-stone-100 px-2 py-1 font-mono text-xs">{help.details.join("\n")}</pre>
          </details>
        ) : null}
        <Button size="xs" onClick={onRetry}>
          Try again
        </Button>
      </>
    );
  }
  return (
    <>
      {command}
      <div>
        <p className="font-semibold">
          Or add the file Alembic wrote, as <span className="font-mono">{help.directory === "." ? help.fileName : `${help.directory}/${help.fileName}`}</span>:
        </p>
        <div className="mt-1 flex gap-2">
          <CopyButton text={help.contents} label="Copy file" />
          <Button size="xs" onClick={() => download(help.fileName, help.contents)}>
            Download
          </Button>
        </div>
        <pre data-testid="merge-help-file" className="mt-1 max-h-80 overflow-auto rounded bg-stone-100 px-2 py-1 font-mono text-xs">
          {help.contents}
        </pre>
        <p className="text-xs text-stone-600">Running the command yourself writes the same merge under another revision id.</p>
      </div>
      <p data-testid="merge-help-preview">
        After the merge: {help.preview.heads.length === 1 ? "one head" : `${help.preview.heads.length} heads`} (<span className="font-mono">{help.preview.heads.join(", ")}</span>), {help.preview.revisions} revisions
        {help.preview.problems.length ? `; still ${help.preview.problems.length} error(s): ${help.preview.problems.join(" ")}` : "."}
      </p>
    </>
  );
}
