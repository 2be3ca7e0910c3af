import { Badge } from "@/components/ui/badge";
import { RevisionId } from "@/components/ui/revision-id";
import { RevokeSignOffButton } from "@/components/signoffs/revoke-signoff-button";
import type { SignOffView } from "@/lib/signoffs/signoff.types";

function when(iso: string): string {
  return iso.replace("T", " ").slice(0, 16) + " UTC";
}

/** Every sign-off, newest first; revoked ones stay listed with who revoked them and why. */
export function SignOffList({ project, signOffs, canRevoke }: { project: string; signOffs: SignOffView[]; canRevoke: boolean }) {
  if (signOffs.length === 0) return <p className="text-sm text-stone-600">No sign-offs yet.</p>;
  return (
    <table className="w-full text-left text-sm" data-testid="signoff-list">
      <thead className="text-xs text-stone-500">
        <tr>
          <th className="py-1 pr-2">Environment</th>
          <th className="py-1 pr-2">Range</th>
          <th className="py-1 pr-2">By</th>
          <th className="py-1 pr-2">When</th>
          <th className="py-1 pr-2">Note</th>
          <th className="py-1">Status</th>
        </tr>
      </thead>
      <tbody>
        {signOffs.map((s) => (
          <tr key={s.id} data-signoff-id={s.id} className="border-t border-stone-100 align-top">
            <td className="py-1 pr-2">{s.environment}</td>
            <td className="py-1 pr-2">
              {s.fromRevision ? <RevisionId id={s.fromRevision} /> : "base"} .. <RevisionId id={s.toRevision} />
              <span className="ml-1 text-xs text-stone-500">({s.revisions.length})</span>
            </td>
            <td className="py-1 pr-2">{s.signedBy?.email ?? "deleted user"}</td>
            <td className="py-1 pr-2 whitespace-nowrap">{when(s.createdAt)}</td>
            <td className="py-1 pr-2">{s.note}</td>
            <td className="py-1">
              {s.revokedAt ? (
                <span title={s.revokeReason ?? undefined}>
                  <Badge tone="red">revoked</Badge>
                  <span className="ml-1 text-xs text-stone-600">
                    {s.revokedBy ? `by ${s.revokedBy}` : ""}
                    {s.revokeReason ? `: ${s.revokeReason}` : ""}
                  </span>
                </span>
              ) : (
                <div className="space-y-1">
                  <Badge tone="green">in force</Badge>
                  {canRevoke && <RevokeSignOffButton project={project} id={s.id} />}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
