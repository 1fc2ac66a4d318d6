import { and, eq, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { dedupeClaims } from "@/lib/db/schema";

export type ClaimOutcome =
  /** First to insert the key: investigate. */
  | { outcome: "won" }
  /** The previous holder's lease ran out (its worker died): investigate. */
  | { outcome: "reclaimed" }
  /** Rollout-noisy key whose report is older than the freshness window: investigate and overwrite. */
  | { outcome: "refreshed" }
  /** A report exists (or another job is producing it): skip. */
  | { outcome: "duplicate" }
  /** This same job holds a live lease from an earlier delivery: retry after the lease ends. */
  | { outcome: "held_by_earlier_delivery"; leaseUntil: Date };

/**
 * The atomic dedupe claim (docs/architecture.md, "Dedupe and claims"): a unique row is inserted before any investigation starts, so
 * concurrent workers and redeliveries can never investigate one key twice.
 */
export async function claimDedupeKey({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: {
    key: string;
    identityKey: string;
    family: string;
    alertname: string;
    bucket: string;
    owner: string;
    receiptId: string;
    leaseMs: number;
    /** Set for rollout-noisy alerts: a finished claim older than this is investigated again. */
    refreshAfterMs?: number;
  };
}): Promise<ClaimOutcome> {
  const { db } = ctx;
  const leaseUntil = sql`now() + ${`${input.leaseMs} milliseconds`}::interval`;
  const inserted = await db
    .insert(dedupeClaims)
    .values({
      key: input.key,
      identityKey: input.identityKey,
      family: input.family,
      alertname: input.alertname,
      bucket: input.bucket,
      state: "running",
      owner: input.owner,
      receiptId: input.receiptId,
      leaseUntil,
    })
    .onConflictDoNothing()
    .returning({ key: dedupeClaims.key });
  if (inserted.length > 0) return { outcome: "won" };

  const expiredLease = and(eq(dedupeClaims.state, "running"), lt(dedupeClaims.leaseUntil, sql`now()`));
  const stale =
    input.refreshAfterMs === undefined
      ? undefined
      : and(
          eq(dedupeClaims.state, "done"),
          lt(dedupeClaims.completedAt, sql`now() - ${`${input.refreshAfterMs} milliseconds`}::interval`),
        );
  const taken = await db
    .update(dedupeClaims)
    .set({
      owner: input.owner,
      receiptId: input.receiptId,
      leaseUntil,
      attempts: sql`${dedupeClaims.attempts} + 1`,
      state: "running",
      claimedAt: sql`now()`,
    })
    .where(and(eq(dedupeClaims.key, input.key), stale ? or(expiredLease, stale) : expiredLease))
    .returning({ completedAt: dedupeClaims.completedAt });
  if (taken.length > 0) return { outcome: taken[0].completedAt ? "refreshed" : "reclaimed" };

  const [current] = await db
    .select({ state: dedupeClaims.state, receiptId: dedupeClaims.receiptId, leaseUntil: dedupeClaims.leaseUntil })
    .from(dedupeClaims)
    .where(eq(dedupeClaims.key, input.key));
  if (current && current.state === "running" && current.receiptId === input.receiptId) {
    return { outcome: "held_by_earlier_delivery", leaseUntil: current.leaseUntil };
  }
  return { outcome: "duplicate" };
}
