// GET /api/v1/sources — the configured alert sources (admins), without secrets
import { configuredSources } from "@/lib/sources/configured-sources";
import { listSources } from "@/lib/sources/list-sources";
import { consoleRoute } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor, now }) =>
  Response.json(listSources({ ctx: { actor, sources: configuredSources(rt.env), now } })),
);
