// POST /api/v1/cases/:id/unsnooze
import { getCase } from "@/lib/cases/get-case";
import { unsnoozeCase } from "@/lib/cases/unsnooze-case";
import { consoleRoute } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, params, now }) => {
  await unsnoozeCase({ ctx: { db: rt.database.db, actor, now }, input: { caseId: params.id } });
  return Response.json(await getCase({ ctx: { db: rt.database.db, actor, now }, input: { caseId: params.id } }));
});
