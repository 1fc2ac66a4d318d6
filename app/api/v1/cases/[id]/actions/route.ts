// GET /api/v1/cases/:id/actions — the case's action proposals with their history
// POST /api/v1/cases/:id/actions — {action, rationale, evidence?}: a responder proposes an action
import { listCaseActions } from "@/lib/actions/list-case-actions";
import { proposeAction, proposeActionInputSchema } from "@/lib/actions/propose-action";
import { consoleRoute, parseBody } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute<{ id: string }>({ mutating: false }, async ({ rt, actor, params }) =>
  Response.json({ items: await listCaseActions({ ctx: { db: rt.database.db, actor }, input: { caseId: params.id } }) }),
);

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, req, params }) => {
  const body = await parseBody(req, proposeActionInputSchema);
  const action = await proposeAction({ ctx: { db: rt.database.db, actor }, input: { caseId: params.id, ...body } });
  return Response.json(action, { status: 201 });
});
