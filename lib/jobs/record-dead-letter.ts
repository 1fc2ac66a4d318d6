import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { deadLetters, receivedAlerts } from "@/lib/db/schema";
import { safeParseJob, type DeadLetter } from "@/lib/queue/job";
import { failRerun } from "./process-rerun-job";

/** Mirror a dead-letter entry in PostgreSQL and mark the alert's receipt (or the re-run) as dead-lettered. */
export async function recordDeadLetter({ ctx, input }: { ctx: { db: DbOrTx }; input: DeadLetter }): Promise<void> {
  const parsed = safeParseJob(input.job);
  const job = parsed.success ? parsed.data : null;
  const receiptId = job && job.kind !== "rerun" ? job.receiptId : null;
  await ctx.db.insert(deadLetters).values({
    kind: input.kind,
    reason: input.reason,
    deliveries: input.deliveries,
    receiptId,
    job: input.job ?? null,
    createdAt: new Date(input.at),
  });
  if (job?.kind === "rerun") {
    await failRerun({ ctx, input: { rerunId: job.rerunId, error: `${input.kind}: ${input.reason}` } });
  }
  if (receiptId) {
    await ctx.db
      .update(receivedAlerts)
      .set({ disposition: "dead_letter", dispositionReason: `${input.kind}: ${input.reason}`, updatedAt: sql`now()` })
      .where(eq(receivedAlerts.id, receiptId));
  }
}
