import { createHmac, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { AlertSource } from "./config";

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
      headers.set("webhook-timestamp", String(Math.floor(now.getTime() / 1000)));
      headers.set("webhook-signature", new Webhook(source.secret).sign(id, now, body));
      break;
    }
  }
  return headers;
}
