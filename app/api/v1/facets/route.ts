// GET /api/v1/facets — counts per filter value over the cases the other filters select
import { caseFacets } from "@/lib/cases/case-facets";
import { listCasesQuerySchema } from "@/lib/cases/list-cases";
import { consoleRoute, parseQuery } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor, req, now }) =>
  Response.json(await caseFacets({ ctx: { db: rt.database.db, actor, now }, input: parseQuery(req, listCasesQuerySchema) })),
);
