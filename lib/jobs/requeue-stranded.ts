import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { receivedAlerts } from "@/lib/db/schema";
import { alertJobSchema } from "@/lib/queue/job";
import { alertOfReceipt } from "./alert-of-receipt";
import type { JobQueue } from "@/lib/queue/types";

/**
 * The in-process queue forgets its jobs when the process dies. Alerts still marked `queued` in the
 * ledger at start-up are queued again, so embedded mode does not lose what it answered 202 for.
 * (JetStream keeps its own jobs; this is for the memory queue only.)
 */
export async function requeueStranded({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; queue: JobQueue };
  input: { timeWindow: string };
}): Promise<number> {
  const stranded = await ctx.db.select().from(receivedAlerts).where(eq(receivedAlerts.disposition, "queued"));
  for (const row of stranded) {
    const job = alertJobSchema.parse({
      alert: alertOfReceipt(row),
      receiptId: row.id,
      receivedAt: row.receivedAt.toISOString(),
      timeWindow: input.timeWindow,
    });
    await ctx.queue.publish(job, `requeue-${row.id}`);
  }
  return stranded.length;
}
