// GET /api/v1/cases/:id — a case with its runs and audit trail
import { getCase } from "@/lib/cases/get-case";
import { consoleRoute } from "../../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute<{ id: string }>({ mutating: false }, async ({ rt, actor, params, now }) =>
  Response.json(await getCase({ ctx: { db: rt.database.db, actor, now }, input: { caseId: params.id } })),
);
