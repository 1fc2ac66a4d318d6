import { and, gt, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { cases, receivedAlerts } from "@/lib/db/schema";

/**
 * Which of these identities/fingerprints belong to a case snoozed right now. Fingerprints matter
 * because a rollout-noisy case is keyed by its workload, which intake cannot compute.
 */
export async function findSnoozed({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; now: Date };
  input: { identityKeys: string[]; fingerprints: string[] };
}): Promise<{ identityKeys: Set<string>; fingerprints: Set<string> }> {
  const none = { identityKeys: new Set<string>(), fingerprints: new Set<string>() };
  if (input.identityKeys.length === 0 && input.fingerprints.length === 0) return none;
  const snoozed = await ctx.db
    .select({ id: cases.id, identityKey: cases.identityKey })
    .from(cases)
    .where(gt(cases.snoozedUntil, ctx.now));
  if (snoozed.length === 0) return none;
  const ids = snoozed.map((c) => c.id);
  const byFingerprint =
    input.fingerprints.length === 0
      ? []
      : await ctx.db
          .selectDistinct({ fingerprint: receivedAlerts.fingerprint })
          .from(receivedAlerts)
          .where(and(inArray(receivedAlerts.caseId, ids), inArray(receivedAlerts.fingerprint, input.fingerprints)));
  return {
    identityKeys: new Set(snoozed.map((c) => c.identityKey).filter((k) => input.identityKeys.includes(k))),
    fingerprints: new Set(byFingerprint.map((r) => r.fingerprint)),
  };
}
