import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { deadLetters, receivedAlerts } from "@/lib/db/schema";
import { alertJobSchema, type DeadLetter } from "@/lib/queue/job";

/** Mirror a dead-letter entry in PostgreSQL and mark the alert's receipt as dead-lettered. */
export async function recordDeadLetter({ ctx, input }: { ctx: { db: DbOrTx }; input: DeadLetter }): Promise<void> {
  const parsed = alertJobSchema.safeParse(input.job);
  const receiptId = parsed.success ? parsed.data.receiptId : null;
  await ctx.db.insert(deadLetters).values({
    kind: input.kind,
    reason: input.reason,
    deliveries: input.deliveries,
    receiptId,
    job: input.job ?? null,
    createdAt: new Date(input.at),
  });
  if (receiptId) {
    await ctx.db
      .update(receivedAlerts)
      .set({ disposition: "dead_letter", dispositionReason: `${input.kind}: ${input.reason}`, updatedAt: sql`now()` })
      .where(eq(receivedAlerts.id, receiptId));
  }
}
