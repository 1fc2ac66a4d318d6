import { eq, sql } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { displayStatus, lockCase, stateOf, type CaseRow } from "./case-state";
import { recordAudit } from "@/lib/auth/record-audit";

/** End a snooze early: the next firing alert is investigated again. */
export async function unsnoozeCase({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date };
  input: { caseId: string };
}): Promise<CaseRow> {
  const actor = requireRole(ctx.actor, "responder");
  return ctx.db.transaction(async (tx) => {
    const before = await lockCase(tx, input.caseId);
    if (displayStatus(before, ctx.now) !== "snoozed") throw new ServiceError("conflict", "case is not snoozed");
    const [after] = await tx
      .update(cases)
      .set({ snoozedUntil: null, updatedAt: sql`now()` })
      .where(eq(cases.id, before.id))
      .returning();
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: before.id, action: "unsnooze", before: stateOf(before), after: stateOf(after) } });
    return after;
  });
}
