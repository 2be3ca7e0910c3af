/** The audit trail as CSV (RFC 4180), safe to open in a spreadsheet. Pure. */
import type { AuditEventView } from "@/lib/audit/audit-query.types";

/**
 * One CSV field. A cell a spreadsheet would run as a formula (starting with =, +, -, @, or a tab or
 * carriage return) gets a leading apostrophe; a field holding a comma, a quote or a line break is
 * quoted with inner quotes doubled.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

export const AUDIT_CSV_HEADER = ["id", "at", "actor", "action", "project", "environment", "run", "from", "to", "outcome", "details"] as const;

export function auditCsvRow(e: AuditEventView): string {
  return csvRow([e.id, e.at, e.actor, e.action, e.project, e.environment, e.runId, e.fromRevision, e.toRevision, e.outcome, Object.keys(e.details).length ? e.details : ""]);
}
