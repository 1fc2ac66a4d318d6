import { eq } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { actionProposals, cases } from "@/lib/db/schema";
import type { ActionSource } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import { assertCaseId } from "@/lib/cases/case-state";
import { recordAudit } from "@/lib/auth/record-audit";
import { actionCommand, actionSpecSchema, actionTitle, defaultPreconditions, defaultRisk } from "./action-command";
import { auditAfter, toActionView, type ActionView } from "./action-view";

export const proposeActionInputSchema = z.object({
  action: actionSpecSchema,
  rationale: z.string().trim().min(1, { message: "say why this should be done" }).max(2000),
  evidence: z.array(z.string().trim().min(1).max(500)).max(10).default([]),
});
export type ProposeActionInput = z.infer<typeof proposeActionInputSchema>;

/**
 * A responder (or the chat on their behalf) proposes a change for an admin to approve. The command
 * is built here from the validated arguments, never taken as text, and must stay in the case's namespace.
 */
export async function proposeAction({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: { caseId: string; source?: Exclude<ActionSource, "derived"> } & ProposeActionInput;
}): Promise<ActionView> {
  const actor = requireRole(ctx.actor, "responder");
  const spec = input.action;
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.select({ id: cases.id, namespace: cases.namespace }).from(cases).where(eq(cases.id, assertCaseId(input.caseId)));
    if (!c) throw new ServiceError("not_found", `no case ${input.caseId}`);
    if ("namespace" in spec && c.namespace && spec.namespace !== c.namespace) {
      throw new ServiceError("invalid_input", `namespace ${spec.namespace} is outside this case's namespace ${c.namespace}`);
    }
    const [row] = await tx
      .insert(actionProposals)
      .values({
        caseId: c.id,
        source: input.source ?? "console",
        kind: spec.kind,
        risk: defaultRisk(spec),
        title: actionTitle(spec),
        params: spec,
        command: actionCommand(spec),
        preconditions: defaultPreconditions(spec),
        evidence: input.evidence,
        rationale: input.rationale,
        proposedBy: actor.username,
        proposedById: actor.id,
      })
      .returning();
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: c.id, action: "action.propose", after: auditAfter(row, input.rationale) } });
    return toActionView(row);
  });
}
