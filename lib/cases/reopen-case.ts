import { eq, sql } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { lockCase, stateOf, type CaseRow } from "./case-state";
import { recordAudit } from "@/lib/auth/record-audit";
import { enqueueCaseEvent, type OutboundChannels } from "@/lib/notifications/case-event";

/** Undo a resolution; the previous resolution stays in the audit trail. */
export async function reopenCase({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; outbound?: OutboundChannels };
  input: { caseId: string };
}): Promise<CaseRow> {
  const actor = requireRole(ctx.actor, "responder");
  return ctx.db.transaction(async (tx) => {
    const before = await lockCase(tx, input.caseId);
    if (before.status !== "resolved") throw new ServiceError("conflict", "case is not resolved");
    const [after] = await tx
      .update(cases)
      .set({ status: "open", resolvedAt: null, resolution: null, updatedAt: sql`now()` })
      .where(eq(cases.id, before.id))
      .returning();
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: before.id, action: "reopen", before: stateOf(before), after: stateOf(after) } });
    await enqueueCaseEvent({ ctx: { db: tx, outbound: ctx.outbound }, input: { event: "case.reopened", caseId: before.id, actor: actor.username } });
    return after;
  });
}
