import { and, gt, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { cases, receivedAlerts } from "@/lib/db/schema";

type SnoozedCase = { id: string; identityKey: string };

/**
 * Intake asks on every request which cases are snoozed; the answer changes rarely, so a process may
 * keep it for a moment. The worker asks without a cache, so a fresh snooze is always honoured there.
 */
export type SnoozeCache = { ttlMs: number; at: number; cases: SnoozedCase[] | null };

export function createSnoozeCache(ttlMs = 2_000): SnoozeCache {
  return { ttlMs, at: 0, cases: null };
}

async function snoozedCases(db: DbOrTx, now: Date, cache?: SnoozeCache): Promise<SnoozedCase[]> {
  if (cache?.cases && Date.now() - cache.at < cache.ttlMs) {
    return cache.cases;
  }
  const rows = await db.select({ id: cases.id, identityKey: cases.identityKey }).from(cases).where(gt(cases.snoozedUntil, now));
  if (cache) {
    cache.cases = rows;
    cache.at = Date.now();
  }
  return rows;
}

/**
 * Which of these identities/fingerprints belong to a case snoozed right now. Fingerprints matter
 * because a rollout-noisy case is keyed by its workload, which intake cannot compute.
 */
export async function findSnoozed({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; now: Date; cache?: SnoozeCache };
  input: { identityKeys: string[]; fingerprints: string[] };
}): Promise<{ identityKeys: Set<string>; fingerprints: Set<string> }> {
  const none = { identityKeys: new Set<string>(), fingerprints: new Set<string>() };
  if (input.identityKeys.length === 0 && input.fingerprints.length === 0) return none;
  const snoozed = await snoozedCases(ctx.db, ctx.now, ctx.cache);
  if (snoozed.length === 0) return none;
  const ids = snoozed.map((c) => c.id);
  const byFingerprint =
    input.fingerprints.length === 0
      ? []
      : await ctx.db
          .selectDistinct({ fingerprint: receivedAlerts.fingerprint })
          .from(receivedAlerts)
          .where(and(inArray(receivedAlerts.caseId, ids), inArray(receivedAlerts.fingerprint, input.fingerprints)));
  const wanted = new Set(input.identityKeys);
  return {
    identityKeys: new Set(snoozed.map((c) => c.identityKey).filter((k) => wanted.has(k))),
    fingerprints: new Set(byFingerprint.map((r) => r.fingerprint)),
  };
}
