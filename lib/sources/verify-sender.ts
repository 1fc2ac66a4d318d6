import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ServiceError } from "@/lib/errors";
import type { AlertSource } from "./config";
import { StandardWebhookError, standardWebhookKey, verifyStandardWebhook } from "./standard-webhooks";

export type VerifiedSender = {
  /** The Standard Webhooks `webhook-id`, for replay rejection; absent for schemes without one. */
  deliveryId?: string;
};

/** Equal in constant time, whatever the lengths: both sides are hashed first. */
function safeEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}

function hmacHex(secret: string, body: Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

function rejected(reason: string): ServiceError {
  return new ServiceError("unauthorized", `signature rejected: ${reason}`, { details: { reason } });
}

/** Grafana's webhook contact point: `Authorization: Bearer <secret>` or basic auth whose `user:password` is the secret. */
function verifyGrafana(source: AlertSource, headers: Headers): VerifiedSender {
  const authorization = headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  const basic = /^Basic\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  const given = bearer ?? (basic ? Buffer.from(basic, "base64").toString("utf8") : "");
  if (!given) throw rejected("missing Authorization header");
  if (!safeEqual(given, source.secret)) throw rejected("wrong credentials");
  return {};
}

/** PagerDuty v3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of the raw body; several during a secret rotation. */
function verifyPagerDuty(source: AlertSource, headers: Headers, body: Buffer): VerifiedSender {
  const header = headers.get("x-pagerduty-signature");
  if (!header) throw rejected("missing X-PagerDuty-Signature header");
  const expected = `v1=${hmacHex(source.secret, body)}`;
  const signatures = header.split(",").map((s) => s.trim());
  // Compare with every signature, so the time taken does not depend on which one matched.
  const matches = signatures.map((s) => safeEqual(s, expected));
  if (!matches.includes(true)) throw rejected("no matching v1 signature");
  return {};
}

/** Jira Cloud webhook with a secret: `X-Hub-Signature: sha256=<hex>`, HMAC-SHA256 of the raw body. */
function verifyJira(source: AlertSource, headers: Headers, body: Buffer): VerifiedSender {
  const header = headers.get("x-hub-signature");
  if (!header) throw rejected("missing X-Hub-Signature header");
  if (!safeEqual(header.trim(), `sha256=${hmacHex(source.secret, body)}`)) throw rejected("wrong signature");
  return {};
}

const standardWebhookKeys = new WeakMap<AlertSource, Buffer>();

/** Standard Webhooks: webhook-id, webhook-timestamp (5-minute tolerance) and webhook-signature (`v1,<base64>`). */
function verifyStandardWebhookSender(source: AlertSource, headers: Headers, body: Buffer, now: Date): VerifiedSender {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signature = headers.get("webhook-signature");
  if (!id || !timestamp || !signature) throw rejected("missing webhook-id, webhook-timestamp or webhook-signature header");
  let key = standardWebhookKeys.get(source);
  if (!key) standardWebhookKeys.set(source, (key = standardWebhookKey(source.secret)));
  try {
    verifyStandardWebhook(key, { id, timestamp, signature }, body, now);
  } catch (e) {
    if (e instanceof StandardWebhookError) throw rejected(e.message);
    throw e;
  }
  return { deliveryId: id.slice(0, 256) };
}

/** Check that a request comes from the source's sender, before anything of it is parsed or stored. */
export function verifySender(source: AlertSource, headers: Headers, body: Buffer, now: Date): VerifiedSender {
  switch (source.preset) {
    case "grafana":
      return verifyGrafana(source, headers);
    case "pagerduty":
      return verifyPagerDuty(source, headers, body);
    case "jira":
      return verifyJira(source, headers, body);
    case "generic":
      return verifyStandardWebhookSender(source, headers, body, now);
  }
}
