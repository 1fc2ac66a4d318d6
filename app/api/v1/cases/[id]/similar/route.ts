// GET /api/v1/cases/:id/similar — past cases like this one and how they were resolved
import { findSimilarCases } from "@/lib/cases/find-similar-cases";
import { consoleRoute } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute<{ id: string }>({ mutating: false }, async ({ rt, actor, params }) =>
  Response.json({ items: await findSimilarCases({ ctx: { db: rt.database.db, actor }, input: { caseId: params.id } }) }),
);
