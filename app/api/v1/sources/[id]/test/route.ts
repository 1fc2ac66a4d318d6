// POST /api/v1/sources/:id/test — {payload}: sign it as the source's sender would and ingest it (admins)
import { sourceIngestContext } from "@/lib/sources/configured-sources";
import { testSource, testSourceInputSchema } from "@/lib/sources/test-source";
import { consoleRoute, parseBody } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, req, params, now }) => {
  const body = await parseBody(req, testSourceInputSchema);
  const result = await testSource({ ctx: { ...sourceIngestContext(rt), actor, now: () => now }, input: { sourceId: params.id, ...body } });
  return Response.json(result, { status: 202 });
});
