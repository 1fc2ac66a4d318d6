import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases, investigationRuns } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { hypothesisCategories } from "@/lib/investigate/vocabulary";
import { assertCaseId } from "./case-state";
import { recordAudit } from "@/lib/auth/record-audit";

export const feedbackVerdicts = ["correct", "wrong"] as const;

export const feedbackInputSchema = z.object({
  verdict: z.enum(feedbackVerdicts),
  note: z.string().trim().max(4000).default(""),
  runId: z.uuid().optional(),
  /** What it really was, when the report's top hypothesis was wrong (case memory counts it). */
  cause: z.enum(hypothesisCategories).optional(),
});
export type FeedbackInput = z.infer<typeof feedbackInputSchema>;

/** A responder's judgement of the report (was the verdict right?), kept for evaluation. */
export async function recordFeedback({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: { caseId: string } & FeedbackInput;
}): Promise<{ verdict: FeedbackInput["verdict"]; runId: string | null }> {
  const actor = requireRole(ctx.actor, "responder");
  const [row] = await ctx.db
    .select({ id: cases.id, latestRunId: cases.latestRunId })
    .from(cases)
    .where(eq(cases.id, assertCaseId(input.caseId)));
  if (!row) throw new ServiceError("not_found", `no case ${input.caseId}`);
  const runId = input.runId ?? row.latestRunId;
  if (input.runId) {
    const [run] = await ctx.db
      .select({ id: investigationRuns.id })
      .from(investigationRuns)
      .where(and(eq(investigationRuns.id, input.runId), eq(investigationRuns.caseId, row.id)));
    if (!run) throw new ServiceError("invalid_input", `run ${input.runId} does not belong to case ${row.id}`);
  }
  await recordAudit({
    ctx: { db: ctx.db, actor },
    input: { caseId: row.id, action: "feedback", after: { verdict: input.verdict, note: input.note, runId, ...(input.cause ? { cause: input.cause } : {}) } },
  });
  return { verdict: input.verdict, runId };
}
