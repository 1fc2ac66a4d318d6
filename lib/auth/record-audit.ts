import type { Actor } from "./actor";
import type { DbOrTx } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";

export type AuditInput = {
  caseId: string | null;
  action: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

/** Append one audit row; call it inside the transaction that made the change. */
export async function recordAudit({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: AuditInput }): Promise<void> {
  await ctx.db.insert(auditEvents).values({
    caseId: input.caseId,
    actorId: ctx.actor.id,
    actorName: ctx.actor.username,
    action: input.action,
    before: input.before ?? null,
    after: input.after ?? null,
  });
}
