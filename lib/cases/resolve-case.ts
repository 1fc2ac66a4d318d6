import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { lockCase, stateOf, type CaseRow } from "./case-state";
import { enqueueCaseEvent, type OutboundChannels } from "@/lib/notifications/case-event";
import { recordAudit } from "@/lib/auth/record-audit";

export const resolutionCategories = ["fixed", "mitigated", "false_positive", "expected", "duplicate", "wont_fix", "other"] as const;

export const resolveCaseInputSchema = z.object({
  category: z.enum(resolutionCategories),
  summary: z.string().trim().min(1, { message: "say what was done" }).max(4000),
  postmortemUrl: z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).optional(),
});
export type ResolveCaseInput = z.infer<typeof resolveCaseInputSchema>;

/** A responder closes a case by hand with a category and a summary; a later re-fire reopens it. */
export async function resolveCase({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; outbound?: OutboundChannels };
  input: { caseId: string } & ResolveCaseInput;
}): Promise<CaseRow> {
  const actor = requireRole(ctx.actor, "responder");
  return ctx.db.transaction(async (tx) => {
    const before = await lockCase(tx, input.caseId);
    if (before.status === "resolved") throw new ServiceError("conflict", "case is already resolved");
    const resolution = {
      by: actor.username,
      category: input.category,
      summary: input.summary,
      ...(input.postmortemUrl ? { postmortemUrl: input.postmortemUrl } : {}),
    };
    const [after] = await tx
      .update(cases)
      .set({ status: "resolved", resolvedAt: sql`now()`, snoozedUntil: null, resolution, updatedAt: sql`now()` })
      .where(eq(cases.id, before.id))
      .returning();
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: before.id, action: "resolve", before: stateOf(before), after: stateOf(after) } });
    await enqueueCaseEvent({ ctx: { db: tx, outbound: ctx.outbound }, input: { event: "case.resolved", caseId: before.id, actor: actor.username } });
    return after;
  });
}
