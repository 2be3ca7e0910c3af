import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { detectProjectDrift } from "@/lib/drift-service/detect-project-drift";
import { describeDriftFinding } from "@/lib/drift-service/describe-drift-finding";
import { serverUrlOptions } from "@/lib/projects/load-project";

/**
 * For the overview: one line per drift finding ("Schema drift: staging differs from qa at the same
 * revision (3 differences)") linking to the drift page; nothing when there is none. Reads every
 * environment's schema live, so wrap it in <Suspense> to keep the page fast.
 */
export async function DriftSummary({ projectName }: { projectName: string }) {
  let findings;
  try {
    findings = (await detectProjectDrift(await getDb(), projectName, serverUrlOptions())).findings;
  } catch (e) {
    console.error(`[cairn] drift summary for ${projectName} failed:`, e);
    return null;
  }
  if (findings.length === 0) return null;
  const href = `/projects/${encodeURIComponent(projectName)}/drift`;
  return (
    <div role="status" data-testid="drift-summary" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      {findings.map((f, i) => (
        <p key={i}>
          <Link href={href} className="hover:underline">
            <strong>Schema drift:</strong> {describeDriftFinding(f)}
          </Link>
        </p>
      ))}
    </div>
  );
}
