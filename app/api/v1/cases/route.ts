// GET /api/v1/cases — the inbox: filters, search, keyset pages
import { listCases, listCasesQuerySchema } from "@/lib/cases/list-cases";
import { consoleRoute, parseQuery } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor, req, now }) =>
  Response.json(await listCases({ ctx: { db: rt.database.db, actor, now }, input: parseQuery(req, listCasesQuerySchema) })),
);
