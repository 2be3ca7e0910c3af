import { formatBytes, type BeforeRunIntent, type RunBackupRecord } from "@/lib/backups/types";

/** The run dialog's "before Alembic starts" section: where the backup will go, or which command runs — said before anyone confirms. */
export function BeforeRunNotice({ intent }: { intent: BeforeRunIntent }) {
  return (
    <section data-testid="before-run" className={`rounded border p-2 text-sm ${intent.problem ? "border-red-300 bg-red-50 text-red-950" : "border-sky-200 bg-sky-50 text-sky-950"}`}>
      <h3 className="font-semibold">{intent.kind === "backup" ? "Backup before the run" : "Command before the run"}</h3>
      <p className="mt-0.5">{intent.description}</p>
      {intent.kind === "backup" && intent.directory && (
        <p className="mt-0.5">
          Backup to:{" "}
          <span className="font-mono" data-testid="before-run-destination">
            {intent.directory}
          </span>
        </p>
      )}
      {intent.kind === "command" && intent.command && (
        <p className="mt-0.5">
          Runs: <span className="font-mono">{intent.command.join(" ")}</span>
        </p>
      )}
      {intent.problem && (
        <p role="alert" className="mt-1 font-medium">
          {intent.problem}
        </p>
      )}
    </section>
  );
}

/** The run page's record of the backup made before Alembic started: file, size and the command that restores it. */
export function BackupRow({ backup }: { backup: RunBackupRecord }) {
  return (
    <>
      <dt className="text-stone-500">Backup</dt>
      <dd data-testid="run-backup" className="space-y-0.5">
        {backup.file ? (
          <>
            <div>
              <span className="font-mono" data-testid="run-backup-file">
                {backup.file}
              </span>
              {backup.bytes !== null && <span className="text-stone-600"> ({formatBytes(backup.bytes)})</span>}
            </div>
            {backup.restoreCommand && (
              <div>
                Restore with:{" "}
                <code className="rounded bg-stone-100 px-1 font-mono text-xs" data-testid="run-backup-restore">
                  {backup.restoreCommand}
                </code>
                <span className="text-stone-600"> (stop the application first; the database returns to where it stood before this run)</span>
              </div>
            )}
          </>
        ) : (
          backup.command && (
            <div>
              Before Alembic started, <code className="font-mono text-xs">{backup.command}</code> ran and succeeded (its output is in the log).
            </div>
          )
        )}
      </dd>
    </>
  );
}
