import { z } from "zod";
import { RERUN_MAX_WINDOW_MINUTES, RERUN_MIN_WINDOW_MINUTES, requestRerun, windowDuration } from "@/lib/cases/request-rerun";
import { assertCaseScope } from "../scope";
import { defineTool } from "./chat-tool";

/** Only offered when the user's own message asks for a re-run, so text in data cannot make the model queue one. */
export function asksForRerun(message: string): boolean {
  return /\b(re-?run|re-?investigate|investigate (it |this )?again|run (it |the investigation )?again)\b/i.test(message);
}

export const rerunInvestigationTool = defineTool({
  name: "rerun_investigation",
  description: `Queue a new investigation of this case with another look-back window (${RERUN_MIN_WINDOW_MINUTES} to ${RERUN_MAX_WINDOW_MINUTES} minutes). It only reads from the cluster; the new run and its report appear on the case in a minute or so. One re-run at a time per case, a few per hour.`,
  input: z.object({ windowMinutes: z.number().int().min(RERUN_MIN_WINDOW_MINUTES).max(RERUN_MAX_WINDOW_MINUTES) }),
  scopes: ["case"],
  async run(ctx, { windowMinutes }) {
    const scope = assertCaseScope(ctx.scope);
    const rerun = await requestRerun({ ctx: { db: ctx.db, queue: ctx.queue, actor: ctx.actor, now: ctx.now }, input: { caseId: scope.caseId, windowMinutes } });
    return {
      outcome: "ok",
      summary: `queued a re-run of this case with a ${windowDuration(windowMinutes)} window (re-run ${rerun.id}); the new run will show on the case page when it finishes`,
      view: { kind: "table", columns: ["re-run", "window", "status", "asked by"], rows: [[rerun.id, windowDuration(windowMinutes), rerun.status, rerun.requestedBy]] },
    };
  },
});
