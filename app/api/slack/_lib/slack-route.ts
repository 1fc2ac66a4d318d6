import { describeDbError } from "@/lib/db/describe-db-error";
import { errorBody, httpStatus, isServiceError } from "@/lib/errors";
import { readRawBody } from "@/lib/http/read-json-body";
import type { Runtime } from "@/lib/runtime";
import { getWebRuntime } from "@/lib/web-runtime";
import { verifySlackRequest } from "@/lib/slack/verify-slack-request";

/** Slack's requests are small; anything bigger is not Slack. */
const MAX_SLACK_BODY_BYTES = 256 * 1024;

/**
 * The two Slack addresses: runtime → raw body → signature (401, counted, logged without the body) →
 * handler; ServiceErrors become the shared error body.
 */
export function slackRoute(endpoint: "interactions" | "events", handler: (args: { rt: Runtime; body: Buffer }) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    const rt = await getWebRuntime().catch(() => null);
    if (!rt) return Response.json({ error: { code: "unavailable", message: "service is starting or misconfigured" } }, { status: 503 });
    try {
      const body = await readRawBody(req, MAX_SLACK_BODY_BYTES);
      await verifySlackRequest({
        ctx: { claims: rt.deliveryClaims, signingSecret: rt.env.SLACK_SIGNING_SECRET, now: new Date() },
        input: { headers: req.headers, body, endpoint },
      });
      return await handler({ rt, body });
    } catch (e) {
      const status = httpStatus(e);
      if (isServiceError(e) && e.code === "unauthorized") {
        rt.metrics.sourceSignatureFailures.inc({ source: `slack-${endpoint}`, reason: "signature" });
        rt.log.warn({ endpoint, err: e.message }, "Slack request refused");
      } else if (status >= 500) {
        rt.log.error({ endpoint, err: describeDbError(e) }, "Slack request failed");
      }
      return Response.json(errorBody(e), { status });
    }
  };
}
