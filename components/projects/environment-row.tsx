"use client";
import { useState } from "react";
import type { PublicEnvironment } from "@/lib/projects/to-public-environment";
import type { ConnectionTestResult } from "@/lib/projects/test-environment-connection.types";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EnvironmentForm } from "@/components/projects/environment-form";
import { useTestConnection } from "@/components/projects/use-change-project";

const TEST_TONE: Record<string, BadgeTone> = { current: "green", behind: "amber", empty: "amber", uninitialized: "amber", "unknown-revision": "red", unreachable: "red" };

/** What a connection test found: where the database stands, or that Cairn could not reach it. */
export function ConnectionTestOutcome({ result }: { result: ConnectionTestResult }) {
  return (
    <p className="flex flex-wrap items-center gap-2">
      <Badge tone={result.state ? (TEST_TONE[result.state] ?? "gray") : result.connected ? "gray" : "red"}>{result.state ?? (result.connected ? "connected" : "unreachable")}</Badge>
      <span className="text-stone-800">{result.summary}</span>
      <span className="text-xs text-stone-400">{result.durationMs} ms</span>
    </p>
  );
}

/** One environment of a project: its row (reorder, test, edit, delete) and, below it, the test's outcome or the edit form. */
export function EnvironmentRow({
  projectName,
  env,
  readOnly,
  pending,
  onMove,
  onDelete,
  onDone,
}: {
  projectName: string;
  env: PublicEnvironment;
  readOnly: boolean;
  pending: boolean;
  onMove?: { up?: () => void; down?: () => void };
  onDelete: () => void;
  onDone: (message: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const test = useTestConnection(projectName, env.name);

  return (
    <>
      <tr>
        <td className="px-3 py-2 text-xs text-stone-500">{env.position + 1}</td>
        <td className="px-3 py-2">
          <span className="font-medium text-stone-900">{env.name}</span> {env.protected && <Badge tone="red">protected</Badge>}
        </td>
        <td className="px-3 py-2">
          <code className="text-xs break-all text-stone-700">{env.urlMasked}</code>
          {env.urlKind === "literal" && <span className="ml-1 text-xs text-stone-400">(stored encrypted)</span>}
        </td>
        <td className="px-3 py-2 font-mono text-xs text-stone-700">
          {env.versionTableSchema ? `${env.versionTableSchema}.` : ""}
          {env.versionTable}
        </td>
        <td className="px-3 py-2 text-xs text-stone-700">{env.approvers.length ? env.approvers.join(", ") : <span className="text-stone-400">any release manager</span>}</td>
        <td className="space-x-1 px-3 py-2 text-right whitespace-nowrap">
          {onMove && (
            <>
              <Button size="xs" disabled={pending || !onMove.up} onClick={onMove.up} aria-label={`Move ${env.name} earlier in the promotion order`} title="Earlier in promotion order">
                ↑
              </Button>
              <Button size="xs" disabled={pending || !onMove.down} onClick={onMove.down} aria-label={`Move ${env.name} later in the promotion order`} title="Later in promotion order">
                ↓
              </Button>
            </>
          )}
          <Button size="xs" disabled={test.isPending} onClick={() => test.mutate()}>
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
          {!readOnly && (
            <>
              <Button size="xs" disabled={pending} onClick={() => setEditing(!editing)}>
                {editing ? "Close" : "Edit"}
              </Button>
              <Button variant="danger" size="xs" disabled={pending} onClick={onDelete}>
                Delete
              </Button>
            </>
          )}
        </td>
      </tr>
      {(test.isSuccess || test.isError) && (
        <tr>
          <td />
          <td colSpan={5} className="px-3 pb-3 text-sm" role="status">
            {test.isSuccess ? <ConnectionTestOutcome result={test.data} /> : <p className="text-red-800">{test.error?.message}</p>}
          </td>
        </tr>
      )}
      {editing && (
        <tr>
          <td />
          <td colSpan={5} className="px-3 pb-3">
            <EnvironmentForm
              projectName={projectName}
              environment={env}
              onDone={(m) => {
                setEditing(false);
                onDone(m);
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}
