// POST /sources/{id}/ingest — a configured alert source (Grafana, PagerDuty, Jira, generic JSON)
import { describeDbError } from "@/lib/db/describe-db-error";
import { errorBody, httpStatus } from "@/lib/errors";
import { readRawBody } from "@/lib/http/read-json-body";
import { sourceIngestContext } from "@/lib/sources/configured-sources";
import { ingestSourcePayload } from "@/lib/sources/ingest-source-payload";
import { getWebRuntime } from "@/lib/web-runtime";

export const dynamic = "force-dynamic";

export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const rt = await getWebRuntime().catch(() => null);
  if (!rt) return Response.json({ error: { code: "unavailable", message: "service is starting or misconfigured" } }, { status: 503 });
  const { id } = await params;
  const ctx = sourceIngestContext(rt);
  let status = 500;
  try {
    const body = await readRawBody(req, rt.env.WEBHOOK_MAX_BYTES);
    const result = await ingestSourcePayload({ ctx, input: { sourceId: id, headers: req.headers, body } });
    status = 202;
    return Response.json(result, { status });
  } catch (e) {
    status = httpStatus(e);
    if (status >= 500) rt.log.error({ source: id.slice(0, 64), err: describeDbError(e) }, "alert source intake failed");
    return Response.json(errorBody(e), { status });
  } finally {
    rt.metrics.sourceRequests.inc({ source: ctx.sources.some((s) => s.id === id) ? id : "unknown", code: String(status) });
  }
}
