// POST /api/v1/cases/:id/resolve — {category, summary, postmortemUrl?}
import { getCase } from "@/lib/cases/get-case";
import { resolveCase, resolveCaseInputSchema } from "@/lib/cases/resolve-case";
import { consoleRoute, parseBody } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, req, params, now }) => {
  const body = await parseBody(req, resolveCaseInputSchema);
  await resolveCase({ ctx: { db: rt.database.db, actor, outbound: rt.outbound }, input: { caseId: params.id, ...body } });
  return Response.json(await getCase({ ctx: { db: rt.database.db, actor, now }, input: { caseId: params.id } }));
});
