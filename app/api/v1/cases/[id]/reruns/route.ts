// GET /api/v1/cases/:id/reruns — the case's re-runs, newest first, with their status and the run each produced
import { listCaseReruns } from "@/lib/cases/list-case-reruns";
import { consoleRoute } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute<{ id: string }>({ mutating: false }, async ({ rt, actor, params }) =>
  Response.json({ items: await listCaseReruns({ ctx: { db: rt.database.db, actor }, input: { caseId: params.id } }) }),
);
