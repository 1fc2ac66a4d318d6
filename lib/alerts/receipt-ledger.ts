import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { groupCommit } from "@/lib/db/group-commit";
import { receivedAlerts } from "@/lib/db/schema";
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
  /**
   * `mark`, retried in the background until the database answers (for up to 10 minutes): for
   * receipts of a request answered 503 while the database was failing. Such a write can report an
   * error after it committed (the connection died before the answer), so the receipts may exist as
   * `queued` with no job behind them. Resolves once written or given up; never rejects.
   */
  markLater(changes: DispositionChange[]): Promise<void>;
};

const MARK_LATER_FIRST_DELAY_MS = 500;
const MARK_LATER_MAX_DELAY_MS = 30_000;
const MARK_LATER_GIVE_UP_MS = 600_000;

export function createReceiptLedger(db: DbOrTx): ReceiptLedger {
  // Named (prepared) statements: drizzle sends unnamed ones as Parse/Describe, wait, then Bind/Execute,
  // two round trips each; a prepared statement is one after its first use on a connection. The
  // select lists every column in the table's order, as drizzle's insert…select names them all.
  const insertStatement = db
    .insert(receivedAlerts)
    .select(
      sql`select id, fingerprint, source, alertname, status, labels, annotations, starts_at, ends_at, received_at, disposition,
        disposition_reason, null::uuid, null::uuid, now()
      from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as r(
        id uuid, fingerprint text, source text, alertname text, status text, labels jsonb, annotations jsonb,
        starts_at timestamptz, ends_at timestamptz, received_at timestamptz, disposition text, disposition_reason text)`,
    )
    .prepare("tarka_record_receipts");
  // By id list, not a join with jsonb_to_recordset: the planner guesses 100 rows for the function
  // and turns to a sequential scan of the whole table once it holds tens of thousands of receipts.
  const updateStatement = db
    .update(receivedAlerts)
    .set({ disposition: sql`${sql.placeholder("disposition")}`, dispositionReason: sql`${sql.placeholder("reason")}`, updatedAt: sql`now()` })
    .where(sql`${receivedAlerts.id} = any(${sql.placeholder("ids")}::uuid[])`)
    .prepare("tarka_mark_receipts");
  const insert = groupCommit<Record<string, unknown>>(async (rows) => {
    await insertStatement.execute({ rows: JSON.stringify(rows) });
  });
  const update = groupCommit<DispositionChange>(async (changes) => {
    const groups = new Map<string, DispositionChange[]>();
    for (const c of changes) {
      const key = JSON.stringify([c.disposition, c.reason]);
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
    for (const [, group] of groups) {
      const { disposition, reason } = group[0];
      await updateStatement.execute({ disposition, reason, ids: `{${group.map((c) => c.id).join(",")}}` });
    }
  });

  return {
    record(receipts, receivedAt) {
      const at = receivedAt.toISOString();
      return insert(
        receipts.map(({ id, alert, disposition, reason }) => ({
          id,
          fingerprint: alert.fingerprint,
          source: alert.source ?? "alertmanager",
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
    async markLater(changes) {
      const giveUpAt = Date.now() + MARK_LATER_GIVE_UP_MS;
      for (let delay = MARK_LATER_FIRST_DELAY_MS; Date.now() < giveUpAt; delay = Math.min(delay * 2, MARK_LATER_MAX_DELAY_MS)) {
        try {
          await update(changes);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, delay).unref());
        }
      }
    },
  };
}
