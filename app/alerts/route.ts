// POST /alerts — Alertmanager webhook v4
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from "@opentelemetry/semantic-conventions";
import { ingestAlerts } from "@/lib/intake/ingest-alerts";
import { intakeContext } from "@/lib/intake/intake-context";
import { parseWebhook } from "@/lib/alerts/parse-webhook";
import { describeDbError } from "@/lib/db/describe-db-error";
import { errorBody, httpStatus } from "@/lib/errors";
import { checkWebhookAuth } from "@/lib/http/check-webhook-auth";
import { readJsonBody } from "@/lib/http/read-json-body";
import { SpanKind, failSpan, requestContext, withSpan } from "@/lib/tracing/spans";
import { getWebRuntime } from "@/lib/web-runtime";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const started = performance.now();
  let status = 500;
  const rt = await getWebRuntime().catch(() => null);
  if (!rt) return Response.json({ error: { code: "unavailable", message: "service is starting or misconfigured" } }, { status: 503 });
  const spanOptions = {
    kind: SpanKind.SERVER,
    parent: requestContext(req.headers.get("traceparent")),
    attributes: { [ATTR_HTTP_REQUEST_METHOD]: "POST", [ATTR_HTTP_ROUTE]: "/alerts" },
  };
  return withSpan("POST /alerts", spanOptions, async (span) => {
    try {
      checkWebhookAuth(req.headers.get("authorization"), {
        bearerToken: rt.env.WEBHOOK_BEARER_TOKEN,
        basicUser: rt.env.WEBHOOK_BASIC_USER,
        basicPassword: rt.env.WEBHOOK_BASIC_PASSWORD,
      });
      const payload = await parseWebhook(await readJsonBody(req, rt.env.WEBHOOK_MAX_BYTES), { maxAlerts: rt.env.WEBHOOK_MAX_ALERTS });
      const result = await ingestAlerts({ ctx: intakeContext(rt), input: { payload } });
      status = 202;
      return Response.json(result, { status });
    } catch (e) {
      status = httpStatus(e);
      if (status >= 500) {
        rt.log.error({ err: describeDbError(e) }, "alert intake failed");
        failSpan(span, describeDbError(e));
      }
      return Response.json(errorBody(e), { status });
    } finally {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      rt.metrics.webhookRequests.inc({ code: String(status) });
      rt.metrics.enqueueDuration.observe((performance.now() - started) / 1000);
    }
  });
}
