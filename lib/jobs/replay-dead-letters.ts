import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { receivedAlerts } from "@/lib/db/schema";
import { safeParseJob } from "@/lib/queue/job";
import type { JobQueue } from "@/lib/queue/types";

export type ReplayResult = {
  replayed: Array<{ id: string; fingerprint: string; alertname: string }>;
  skipped: Array<{ id: string; reason: string }>;
};

/**
 * Put dead-lettered jobs back on the work queue (after the cause was fixed), oldest first.
 * Each job is published with a message id derived from its DLQ entry, so a replay interrupted
 * between publish and removal cannot queue it twice; its receipt goes back to `queued` first.
 * Entries whose payload is not a valid job cannot be replayed and stay in the DLQ, as do re-runs.
 */
export async function replayDeadLetters({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; queue: JobQueue };
  input: { limit: number; dryRun?: boolean };
}): Promise<ReplayResult> {
  const entries = await ctx.queue.listDeadLetters(input.limit);
  const result: ReplayResult = { replayed: [], skipped: [] };
  for (const entry of entries) {
    const id = entry.id ?? "";
    const parsed = safeParseJob(entry.job);
    if (!parsed.success) {
      result.skipped.push({ id, reason: `${entry.kind}: payload is not a valid job, left in the DLQ` });
      continue;
    }
    const job = parsed.data;
    if (job.kind === "rerun") {
      result.skipped.push({ id, reason: `${entry.kind}: a re-run is not replayed (it was marked failed; ask for a new one), left in the DLQ` });
      continue;
    }
    if (!input.dryRun) {
      const setReceipt = (disposition: "queued" | "dead_letter", reason: string) =>
        ctx.db
          .update(receivedAlerts)
          .set({ disposition, dispositionReason: reason, updatedAt: sql`now()` })
          .where(inArray(receivedAlerts.id, [job.receiptId]));
      // The receipt goes back to queued before the job is published: a worker may settle the job
      // before a later update would run, which then left the receipt queued for ever.
      await setReceipt("queued", `replayed from the DLQ (${entry.kind})`);
      try {
        await ctx.queue.publish(job, `dlq-replay-${id}-${job.receiptId}`);
      } catch (e) {
        await setReceipt("dead_letter", `${entry.kind}: ${entry.reason} (replay failed)`);
        throw e;
      }
      await ctx.queue.removeDeadLetter(id);
    }
    result.replayed.push({ id, fingerprint: job.alert.fingerprint, alertname: job.alert.alertname });
  }
  return result;
}
