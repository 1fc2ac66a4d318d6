import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { cases, receivedAlerts } from "@/lib/db/schema";
import { enqueueCaseEvent, type OutboundChannels } from "@/lib/notifications/case-event";

/** Resolved alerts close the open cases their earlier firing alerts were filed under. */
export async function closeResolvedCases({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; outbound?: OutboundChannels };
  input: { fingerprints: string[]; by?: string };
}): Promise<number> {
  if (input.fingerprints.length === 0) return 0;
  const by = input.by ?? "alertmanager";
  return ctx.db.transaction(async (tx) => {
    const linked = tx
      .selectDistinct({ id: receivedAlerts.caseId })
      .from(receivedAlerts)
      .where(and(inArray(receivedAlerts.fingerprint, input.fingerprints), isNotNull(receivedAlerts.caseId)));
    const closed = await tx
      .update(cases)
      .set({
        status: "resolved",
        resolvedAt: sql`now()`,
        updatedAt: sql`now()`,
        resolution: { by, reason: "alert resolved" },
      })
      .where(and(eq(cases.status, "open"), inArray(cases.id, linked)))
      .returning({ id: cases.id });
    for (const c of closed) await enqueueCaseEvent({ ctx: { db: tx, outbound: ctx.outbound }, input: { event: "case.resolved", caseId: c.id, actor: by } });
    return closed.length;
  });
}
