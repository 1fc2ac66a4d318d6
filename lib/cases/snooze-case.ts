import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { lockCase, stateOf, type CaseRow } from "./case-state";
import { enqueueCaseEvent, type OutboundChannels } from "@/lib/notifications/case-event";
import { recordAudit } from "@/lib/auth/record-audit";

const MAX_SNOOZE_MS = 30 * 86_400_000;

export const snoozeCaseInputSchema = z.union([
  z.object({ minutes: z.number().int().min(1).max(MAX_SNOOZE_MS / 60_000) }).strict(),
  z.object({ until: z.iso.datetime({ offset: true, message: "expected an ISO 8601 time such as 2026-11-23T18:00:00Z" }) }).strict(),
], { error: "expected {minutes} or {until}" });
export type SnoozeCaseInput = z.infer<typeof snoozeCaseInputSchema>;

/** Silence a case: intake skips its alerts (no new runs) until the snooze runs out. */
export async function snoozeCase({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date; outbound?: OutboundChannels };
  input: { caseId: string; snooze: SnoozeCaseInput };
}): Promise<CaseRow> {
  const actor = requireRole(ctx.actor, "responder");
  const until = "minutes" in input.snooze ? new Date(ctx.now.getTime() + input.snooze.minutes * 60_000) : new Date(input.snooze.until);
  if (until <= ctx.now) throw new ServiceError("invalid_input", "snooze end is in the past");
  if (until.getTime() - ctx.now.getTime() > MAX_SNOOZE_MS) throw new ServiceError("invalid_input", "snooze is limited to 30 days");
  return ctx.db.transaction(async (tx) => {
    const before = await lockCase(tx, input.caseId);
    if (before.status === "resolved") throw new ServiceError("conflict", "a resolved case cannot be snoozed; reopen it first");
    const [after] = await tx
      .update(cases)
      .set({ snoozedUntil: until, updatedAt: sql`now()` })
      .where(eq(cases.id, before.id))
      .returning();
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: before.id, action: "snooze", before: stateOf(before), after: stateOf(after) } });
    await enqueueCaseEvent({ ctx: { db: tx, outbound: ctx.outbound }, input: { event: "case.snoozed", caseId: before.id, actor: actor.username } });
    return after;
  });
}
