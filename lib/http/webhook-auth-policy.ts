import type { Env } from "@/lib/env";

export type WebhookAuthPolicy = { refuse: string } | { warn: string } | { ok: true };

/**
 * Whether a web process may start with its /alerts webhook as configured. Anyone who can reach an
 * open webhook can start investigations and fill the case list, so a production web process (a
 * real queue, NATS_URL) refuses to start without WEBHOOK_BEARER_TOKEN or WEBHOOK_BASIC_USER/PASSWORD
 * (either is enough) unless WEBHOOK_AUTH=none says so on purpose. Embedded mode (trying Tarka)
 * starts, with a warning.
 */
export function webhookAuthPolicy(
  env: Pick<Env, "NATS_URL" | "WEBHOOK_BEARER_TOKEN" | "WEBHOOK_BASIC_USER" | "WEBHOOK_BASIC_PASSWORD" | "WEBHOOK_AUTH">,
): WebhookAuthPolicy {
  if (env.WEBHOOK_BEARER_TOKEN || (env.WEBHOOK_BASIC_USER && env.WEBHOOK_BASIC_PASSWORD)) return { ok: true };
  if (env.WEBHOOK_AUTH === "none") {
    return { warn: "WEBHOOK_AUTH=none: POST /alerts accepts alerts from anyone who can reach it" };
  }
  if (env.NATS_URL) {
    return {
      refuse:
        "POST /alerts would accept alerts from anyone: set WEBHOOK_BEARER_TOKEN (and the same token in Alertmanager's http_config.authorization) or WEBHOOK_BASIC_USER and WEBHOOK_BASIC_PASSWORD (Alertmanager's http_config.basic_auth), or WEBHOOK_AUTH=none to run it open on purpose",
    };
  }
  return { warn: "embedded mode without WEBHOOK_BEARER_TOKEN or WEBHOOK_BASIC_USER: POST /alerts accepts alerts from anyone who can reach it" };
}
