// POST /api/v1/cases/:id/rerun — {windowMinutes}: a responder asks for the case to be investigated again with another window
import { requestRerun, requestRerunInputSchema } from "@/lib/cases/request-rerun";
import { consoleRoute, parseBody } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, req, params, now }) => {
  const body = await parseBody(req, requestRerunInputSchema);
  const rerun = await requestRerun({ ctx: { db: rt.database.db, queue: rt.queue, actor, now }, input: { caseId: params.id, ...body } });
  return Response.json(rerun, { status: 202 });
});
