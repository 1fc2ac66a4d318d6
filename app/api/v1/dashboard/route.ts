// GET /api/v1/dashboard — workload, throughput and quality numbers
import { dashboardStats } from "@/lib/cases/dashboard-stats";
import { consoleRoute } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor, now }) =>
  Response.json(await dashboardStats({ ctx: { db: rt.database.db, actor, now } })),
);
