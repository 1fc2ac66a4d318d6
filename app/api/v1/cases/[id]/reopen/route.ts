// POST /api/v1/cases/:id/reopen
import { getCase } from "@/lib/cases/get-case";
import { reopenCase } from "@/lib/cases/reopen-case";
import { consoleRoute } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, params, now }) => {
  await reopenCase({ ctx: { db: rt.database.db, actor, outbound: rt.outbound }, input: { caseId: params.id } });
  return Response.json(await getCase({ ctx: { db: rt.database.db, actor, now }, input: { caseId: params.id } }));
});
