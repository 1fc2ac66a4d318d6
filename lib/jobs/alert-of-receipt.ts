import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { receivedAlerts } from "@/lib/db/schema";

/**
 * The alert a ledger receipt holds, as intake normalized it. The receipt keeps no generator or
 * external URL, so a job rebuilt from it never runs the rule's expression again.
 */
export function alertOfReceipt(row: typeof receivedAlerts.$inferSelect): NormalizedAlert {
  return {
    fingerprint: row.fingerprint,
    status: row.status,
    alertname: row.alertname,
    labels: row.labels,
    annotations: row.annotations,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    generatorURL: null,
    externalURL: null,
    receiver: null,
    ...(row.source === "alertmanager" ? {} : { source: row.source }),
  };
}
