import { and, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { groupCommit } from "@/lib/db/group-commit";
import { sourceDeliveries } from "@/lib/db/schema";

/**
 * Replay rejection for signed requests: each delivery id (a Standard Webhooks `webhook-id`, a Slack
 * signature) is accepted once per source. Concurrent claims share one INSERT (group commit): a claim
 * per request on its own cost a fifth of a signed source's request rate.
 */
export type DeliveryClaims = {
  /** True when this call recorded the id; false when the source had already accepted it (a replay). */
  claim(sourceId: string, deliveryId: string): Promise<boolean>;
  /** Forget an id, so the sender's retry of a delivery that was not queued is accepted. */
  release(sourceId: string, deliveryId: string): Promise<void>;
  /**
   * Delete ids past the replay window, at most once a minute, in the background: for callers that
   * record their ids elsewhere (the receipt ledger writes a signed request's id with its receipts).
   */
  pruneExpired(): void;
};

/** An id older than every scheme's timestamp tolerance (5 minutes) can no longer be replayed: its timestamp is refused. */
const RETENTION = "10 minutes";
/** Expired ids are pruned at most this often per process: a prune per request scanned every id the source had. */
const PRUNE_EVERY_MS = 60_000;

type Claim = { sourceId: string; deliveryId: string; claimed: boolean };

export function createDeliveryClaims(db: DbOrTx): DeliveryClaims {
  const insertStatement = db
    .insert(sourceDeliveries)
    .select(
      sql`select source_id, delivery_id, now() from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as r(source_id text, delivery_id text)`,
    )
    .onConflictDoNothing()
    .returning({ sourceId: sourceDeliveries.sourceId, deliveryId: sourceDeliveries.deliveryId })
    .prepare("tarka_claim_deliveries");
  let prunedAt = 0;
  async function pruneIfDue(): Promise<void> {
    if (Date.now() - prunedAt <= PRUNE_EVERY_MS) return;
    prunedAt = Date.now();
    await db.delete(sourceDeliveries).where(lt(sourceDeliveries.acceptedAt, sql`now() - ${RETENTION}::interval`));
  }

  const write = groupCommit<Claim>(async (claims) => {
    await pruneIfDue();
    const rows = claims.map((c) => ({ source_id: c.sourceId, delivery_id: c.deliveryId }));
    const inserted = await insertStatement.execute({ rows: JSON.stringify(rows) });
    const fresh = new Set(inserted.map((r) => JSON.stringify([r.sourceId, r.deliveryId])));
    // The same id twice in one batch is inserted once: only its first claimer gets it.
    for (const c of claims) c.claimed = fresh.delete(JSON.stringify([c.sourceId, c.deliveryId]));
  });

  return {
    async claim(sourceId, deliveryId) {
      const claim: Claim = { sourceId, deliveryId, claimed: false };
      await write([claim]);
      return claim.claimed;
    },
    async release(sourceId, deliveryId) {
      await db.delete(sourceDeliveries).where(and(eq(sourceDeliveries.sourceId, sourceId), eq(sourceDeliveries.deliveryId, deliveryId)));
    },
    pruneExpired() {
      // A failed prune is tried again a minute later; expired ids are refused by their timestamp meanwhile.
      pruneIfDue().catch(() => undefined);
    },
  };
}
