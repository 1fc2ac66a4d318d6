import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { groupCommit } from "@/lib/db/group-commit";
import { receivedAlerts, sourceDeliveries } from "@/lib/db/schema";
import type { AlertDisposition } from "@/lib/db/schema/constants";
import type { NormalizedAlert } from "./schema";

export type Receipt = { id: string; alert: NormalizedAlert; disposition: AlertDisposition; reason: string | null };
export type DispositionChange = { id: string; disposition: AlertDisposition; reason: string };
/**
 * A signed source's delivery id, accepted once per source (replay rejection). It is written in the
 * same statement as its request's receipts: both or neither. `recorded` tells the caller, after a
 * later failure, that the id is now taken and must be released for the sender's retry.
 */
export type DeliveryClaim = { sourceId: string; deliveryId: string; recorded?: boolean };

/**
 * The `received_alerts` rows written by intake. Concurrent requests share statements (group
 * commit), and each statement carries its rows as one JSON parameter: building thousands of bind
 * parameters for a multi-row insert cost more CPU than the insert itself.
 */
export type ReceiptLedger = {
  /** False when `claim`'s delivery id had already been accepted: then nothing was recorded. */
  record(receipts: Receipt[], receivedAt: Date, claim?: DeliveryClaim): Promise<boolean>;
  mark(changes: DispositionChange[]): Promise<void>;
  /**
   * `mark`, retried in the background until the database answers (for up to 10 minutes): for
   * receipts of a request answered 503 while the database was failing. Such a write can report an
   * error after it committed (the connection died before the answer), so the receipts may exist as
   * `queued` with no job behind them. Resolves once written or given up; never rejects.
   */
  markLater(changes: DispositionChange[]): Promise<void>;
};

/** One receipt's columns, and the delivery claim of the request it came in. */
type Row = { fields: Record<string, unknown> & { id: string }; claim?: DeliveryClaim };

const MARK_LATER_FIRST_DELAY_MS = 500;
const MARK_LATER_MAX_DELAY_MS = 30_000;
const MARK_LATER_GIVE_UP_MS = 600_000;

export function createReceiptLedger(db: DbOrTx): ReceiptLedger {
  // Named (prepared) statements: drizzle sends unnamed ones as Parse/Describe, wait, then Bind/Execute,
  // two round trips each; a prepared statement is one after its first use on a connection. The
  // select lists every column in the table's order, as drizzle's insert…select names them all.
  const receiptRows = sql`jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as r(
        id uuid, fingerprint text, source text, alertname text, status text, labels jsonb, annotations jsonb,
        starts_at timestamptz, ends_at timestamptz, received_at timestamptz, disposition text, disposition_reason text,
        claim_source text, claim_delivery text)`;
  const receiptColumns = sql`id, fingerprint, source, alertname, status, labels, annotations, starts_at, ends_at, received_at, disposition,
        disposition_reason, null::uuid, null::uuid, now()`;
  const insertStatement = db
    .insert(receivedAlerts)
    .select(sql`select ${receiptColumns} from ${receiptRows}`)
    .prepare("tarka_record_receipts");
  // A signed request's receipts are written only when its delivery id is new: the id and the receipts
  // in one statement, so a signed source pays no round trip of its own for replay rejection.
  const claimed = db.$with("claimed").as(
    db
      .insert(sourceDeliveries)
      .select(sql`select source_id, delivery_id, now() from jsonb_to_recordset(${sql.placeholder("claims")}::jsonb) as c(source_id text, delivery_id text)`)
      .onConflictDoNothing()
      .returning({ sourceId: sourceDeliveries.sourceId, deliveryId: sourceDeliveries.deliveryId }),
  );
  const insertClaimedStatement = db
    .with(claimed)
    .insert(receivedAlerts)
    .select(
      sql`select ${receiptColumns} from ${receiptRows}
      where r.claim_delivery is null or exists (select 1 from ${claimed} c where c.source_id = r.claim_source and c.delivery_id = r.claim_delivery)`,
    )
    .returning({ id: receivedAlerts.id })
    .prepare("tarka_record_claimed_receipts");
  // By id list, not a join with jsonb_to_recordset: the planner guesses 100 rows for the function
  // and turns to a sequential scan of the whole table once it holds tens of thousands of receipts.
  const updateStatement = db
    .update(receivedAlerts)
    .set({ disposition: sql`${sql.placeholder("disposition")}`, dispositionReason: sql`${sql.placeholder("reason")}`, updatedAt: sql`now()` })
    .where(sql`${receivedAlerts.id} = any(${sql.placeholder("ids")}::uuid[])`)
    .prepare("tarka_mark_receipts");
  const insert = groupCommit<Row>(async (rows) => {
    const claims = new Map<string, DeliveryClaim>();
    const refused = new Set<DeliveryClaim>();
    for (const { claim } of rows) {
      if (!claim) continue;
      claim.recorded = false;
      const key = JSON.stringify([claim.sourceId, claim.deliveryId]);
      const first = claims.get(key);
      // The same id twice in one batch: only its first request may have it.
      if (!first) claims.set(key, claim);
      else if (first !== claim) refused.add(claim);
    }
    if (claims.size === 0) {
      await insertStatement.execute({ rows: JSON.stringify(rows.map((r) => r.fields)) });
      return;
    }
    const written = rows.filter((r) => !r.claim || !refused.has(r.claim));
    const inserted = await insertClaimedStatement.execute({
      rows: JSON.stringify(written.map((r) => (r.claim ? { ...r.fields, claim_source: r.claim.sourceId, claim_delivery: r.claim.deliveryId } : r.fields))),
      claims: JSON.stringify([...claims.values()].map((c) => ({ source_id: c.sourceId, delivery_id: c.deliveryId }))),
    });
    const ids = new Set(inserted.map((r) => r.id));
    for (const r of written) if (r.claim && ids.has(r.fields.id)) r.claim.recorded = true;
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
    async record(receipts, receivedAt, claim) {
      const at = receivedAt.toISOString();
      await insert(
        receipts.map(({ id, alert, disposition, reason }) => ({
          claim,
          fields: {
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
          },
        })),
      );
      return claim?.recorded ?? true;
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
