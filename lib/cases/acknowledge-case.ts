import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { ServiceError } from "@/lib/errors";
import { enqueueCaseEvent, type OutboundChannels } from "@/lib/notifications/case-event";
import { lockCase, stateOf, type CaseRow } from "./case-state";
import { recordAudit } from "@/lib/auth/record-audit";

/** A responder says "I am on it": the case does not change state, the audit trail and the channels say who took it. */
export async function acknowledgeCase({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; outbound?: OutboundChannels };
  input: { caseId: string };
}): Promise<CaseRow> {
  const actor = requireRole(ctx.actor, "responder");
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, input.caseId);
    if (row.status === "resolved") throw new ServiceError("conflict", "the case is already resolved");
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: row.id, action: "acknowledge", before: stateOf(row), after: stateOf(row) } });
    await enqueueCaseEvent({ ctx: { db: tx, outbound: ctx.outbound }, input: { event: "case.acknowledged", caseId: row.id, actor: actor.username } });
    return row;
  });
}
