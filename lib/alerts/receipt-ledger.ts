import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { groupCommit } from "@/lib/db/group-commit";
import type { AlertDisposition } from "@/lib/db/schema/constants";
import type { NormalizedAlert } from "./schema";

export type Receipt = { id: string; alert: NormalizedAlert; disposition: AlertDisposition; reason: string | null };
export type DispositionChange = { id: string; disposition: AlertDisposition; reason: string };

/**
 * The `received_alerts` rows written by intake. Concurrent requests share statements (group
 * commit), and each statement carries its rows as one JSON parameter: building thousands of bind
 * parameters for a multi-row insert cost more CPU than the insert itself.
 */
export type ReceiptLedger = {
  record(receipts: Receipt[], receivedAt: Date): Promise<void>;
  mark(changes: DispositionChange[]): Promise<void>;
};

export function createReceiptLedger(db: DbOrTx): ReceiptLedger {
  const insert = groupCommit<Record<string, unknown>>(async (rows) => {
    await db.execute(sql`
      insert into received_alerts
        (id, fingerprint, alertname, status, labels, annotations, starts_at, ends_at, received_at, disposition, disposition_reason)
      select id, fingerprint, alertname, status, labels, annotations, starts_at, ends_at, received_at, disposition, disposition_reason
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
        id uuid, fingerprint text, alertname text, status text, labels jsonb, annotations jsonb,
        starts_at timestamptz, ends_at timestamptz, received_at timestamptz, disposition text, disposition_reason text)`);
  });
  const update = groupCommit<DispositionChange>(async (changes) => {
    await db.execute(sql`
      update received_alerts a
      set disposition = c.disposition, disposition_reason = c.reason, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as c(id uuid, disposition text, reason text)
      where a.id = c.id`);
  });

  return {
    record(receipts, receivedAt) {
      const at = receivedAt.toISOString();
      return insert(
        receipts.map(({ id, alert, disposition, reason }) => ({
          id,
          fingerprint: alert.fingerprint,
          alertname: alert.alertname,
          status: alert.status,
          labels: alert.labels,
          annotations: alert.annotations,
          starts_at: alert.startsAt,
          ends_at: alert.endsAt ?? null,
          received_at: at,
          disposition,
          disposition_reason: reason,
        })),
      );
    },
    mark: update,
  };
}
