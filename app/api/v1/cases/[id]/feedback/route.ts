// POST /api/v1/cases/:id/feedback — {verdict: correct|wrong, note, runId?}
import { feedbackInputSchema, recordFeedback } from "@/lib/cases/record-feedback";
import { consoleRoute, parseBody } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, req, params }) => {
  const body = await parseBody(req, feedbackInputSchema);
  return Response.json(await recordFeedback({ ctx: { db: rt.database.db, actor }, input: { caseId: params.id, ...body } }), { status: 201 });
});
