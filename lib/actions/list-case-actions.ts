import { and, asc, desc, eq, like } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { actionProposals, auditEvents, cases } from "@/lib/db/schema";
import type { ActionStatus } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import { assertCaseId } from "@/lib/cases/case-state";
import { toActionView, type ActionHistoryEntry, type ActionView } from "./action-view";

/** A case's proposals, newest first, each with its transitions from the audit log. Any role may read. */
export async function listCaseActions({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { caseId: string } }): Promise<ActionView[]> {
  requireRole(ctx.actor, "viewer");
  const caseId = assertCaseId(input.caseId);
  const [c] = await ctx.db.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId));
  if (!c) throw new ServiceError("not_found", `no case ${input.caseId}`);
  const [rows, audit] = await Promise.all([
    ctx.db.select().from(actionProposals).where(eq(actionProposals.caseId, caseId)).orderBy(desc(actionProposals.createdAt), desc(actionProposals.id)),
    ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.caseId, caseId), like(auditEvents.action, "action.%")))
      .orderBy(asc(auditEvents.createdAt)),
  ]);
  const history = new Map<string, ActionHistoryEntry[]>();
  for (const a of audit) {
    const after = a.after ?? {};
    const id = String(after.actionId ?? "");
    const entry: ActionHistoryEntry = {
      action: a.action.slice("action.".length),
      actor: a.actorName,
      at: a.createdAt.toISOString(),
      status: after.status as ActionStatus,
      note: typeof after.note === "string" && after.note ? after.note : null,
    };
    history.set(id, [...(history.get(id) ?? []), entry]);
  }
  return rows.map((r) => toActionView(r, history.get(r.id) ?? []));
}
