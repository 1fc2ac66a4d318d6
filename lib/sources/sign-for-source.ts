import { createHmac, randomUUID } from "node:crypto";
import type { AlertSource } from "./config";
import { signStandardWebhook, standardWebhookKey } from "./standard-webhooks";

/** The headers the source's sender would send with `body`: what the admin page's test delivery carries. */
export function signForSource(source: AlertSource, body: string, now: Date): Headers {
  const headers = new Headers({ "content-type": "application/json" });
  const hex = () => createHmac("sha256", source.secret).update(body).digest("hex");
  switch (source.preset) {
    case "grafana":
      headers.set("authorization", `Bearer ${source.secret}`);
      break;
    case "pagerduty":
      headers.set("x-pagerduty-signature", `v1=${hex()}`);
      break;
    case "jira":
      headers.set("x-hub-signature", `sha256=${hex()}`);
      break;
    case "generic": {
      const id = `msg_${randomUUID()}`;
      headers.set("webhook-id", id);
      const timestampS = Math.floor(now.getTime() / 1000);
      headers.set("webhook-timestamp", String(timestampS));
      headers.set("webhook-signature", signStandardWebhook(standardWebhookKey(source.secret), id, timestampS, body));
      break;
    }
  }
  return headers;
}
