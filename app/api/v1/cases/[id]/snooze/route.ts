// POST /api/v1/cases/:id/snooze — {minutes} or {until}
import { getCase } from "@/lib/cases/get-case";
import { snoozeCase, snoozeCaseInputSchema } from "@/lib/cases/snooze-case";
import { consoleRoute, parseBody } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, req, params, now }) => {
  const snooze = await parseBody(req, snoozeCaseInputSchema);
  await snoozeCase({ ctx: { db: rt.database.db, actor, now, outbound: rt.outbound }, input: { caseId: params.id, snooze } });
  return Response.json(await getCase({ ctx: { db: rt.database.db, actor, now }, input: { caseId: params.id } }));
});
