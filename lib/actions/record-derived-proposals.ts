import { createHash } from "node:crypto";
import type { DbOrTx } from "@/lib/db/client";
import { actionProposals } from "@/lib/db/schema";
import type { Report } from "@/lib/investigate/report";
import { recordAudit } from "@/lib/auth/record-audit";
import { actionCommand, actionTitle } from "./action-command";
import { auditAfter, tarkaActor } from "./action-view";
import { deriveActionProposals } from "./derive-action-proposals";

/**
 * Stores the proposals derived from one run's report; recording the same run again adds nothing
 * (each proposal's derivation key is the run plus its arguments).
 */
export async function recordDerivedProposals({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { caseId: string; runId: string; report: Report };
}): Promise<number> {
  let added = 0;
  for (const p of deriveActionProposals({ input: { report: input.report } })) {
    const derivationKey = createHash("sha256").update(`${input.runId}\n${JSON.stringify(p.spec)}`).digest("hex");
    const [row] = await ctx.db
      .insert(actionProposals)
      .values({
        caseId: input.caseId,
        runId: input.runId,
        derivationKey,
        source: "derived",
        kind: p.spec.kind,
        risk: p.risk,
        title: actionTitle(p.spec),
        params: p.spec,
        command: actionCommand(p.spec),
        preconditions: p.preconditions,
        evidence: p.evidence,
        rationale: p.rationale,
        proposedBy: tarkaActor.username,
      })
      .onConflictDoNothing({ target: actionProposals.derivationKey })
      .returning();
    if (!row) continue;
    added += 1;
    await recordAudit({ ctx: { db: ctx.db, actor: tarkaActor }, input: { caseId: input.caseId, action: "action.propose", after: auditAfter(row, p.rationale) } });
  }
  return added;
}
