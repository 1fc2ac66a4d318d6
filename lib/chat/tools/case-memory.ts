import { z } from "zod";
import { proposeAction, proposeActionInputSchema } from "@/lib/actions/propose-action";
import { findSimilarCases } from "@/lib/cases/find-similar-cases";
import { assertCaseScope, ScopeRefusal } from "../scope";
import { defineTool } from "./chat-tool";

export const similarCasesTool = defineTool({
  name: "similar_cases",
  description: "Past cases like this one (same family and target, then similar one-liner and hypotheses), with how each was resolved and what it turned out to be.",
  input: z.object({}),
  scopes: ["case"],
  async run(ctx) {
    const scope = assertCaseScope(ctx.scope);
    const similar = await findSimilarCases({ ctx: { db: ctx.db, actor: ctx.actor }, input: { caseId: scope.caseId, limit: 10 } });
    if (similar.length === 0) return { outcome: "empty", summary: "no similar past cases", view: null };
    const rows = similar.map((s) => [
      s.lastSeenAt.slice(0, 10),
      s.match,
      s.similarity.toFixed(2),
      s.status,
      s.resolution ? `${s.resolution.category}: ${s.resolution.summary}` : "",
      s.confirmedCategory ?? "",
      s.title,
    ]);
    return {
      outcome: "ok",
      summary: `${similar.length} similar cases:\n${rows.map((r) => `${r[0]} ${r[6]} (${r[1]}, similarity ${r[2]}, ${r[3]}${r[4] ? `, resolved ${r[4]}` : ""}${r[5] ? `, turned out ${r[5]}` : ""})`).join("\n")}`,
      view: { kind: "table", columns: ["last seen", "match", "similarity", "status", "resolution", "turned out", "title"], rows },
    };
  },
});

/** Only offered when the user's own message asks for an action, so text in data cannot make the model propose one. */
export function asksForAction(message: string): boolean {
  return /\b(propose|proposal|suggest|action|fix|roll ?back|restart|scale|silence|raise)\b/i.test(message);
}

export const proposeActionTool = defineTool({
  name: "propose_action",
  description:
    "Record a proposed action on this case for an admin to approve (Tarka never runs it): rollout_restart, rollback, scale, raise_limit, delete_pod or silence, with a rationale and the evidence for it.",
  input: proposeActionInputSchema,
  scopes: ["case"],
  async run(ctx, input) {
    const scope = assertCaseScope(ctx.scope);
    if ("namespace" in input.action && input.action.namespace !== scope.namespace) {
      throw new ScopeRefusal(`namespace ${input.action.namespace} is outside this case's scope (namespace ${scope.namespace ?? "none"})`);
    }
    const proposal = await proposeAction({ ctx: { db: ctx.db, actor: ctx.actor }, input: { caseId: scope.caseId, source: "chat", ...input } });
    return {
      outcome: "ok",
      summary: `proposed (waiting for an admin's approval): ${proposal.title}\n${proposal.command}`,
      view: { kind: "table", columns: ["proposal", "risk", "command", "status"], rows: [[proposal.title, proposal.risk, proposal.command, proposal.status]] },
    };
  },
});
