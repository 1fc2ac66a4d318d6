import { createHash, timingSafeEqual } from "node:crypto";
import { ServiceError } from "@/lib/errors";

export type WebhookCredentials = { bearerToken?: string; basicUser?: string; basicPassword?: string };

/** Equal-length digests, so the comparison takes the same time whatever was sent. */
function same(given: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());
}

/**
 * Check `Authorization` on /alerts: `Bearer <WEBHOOK_BEARER_TOKEN>` (Alertmanager's
 * `http_config.authorization`) or `Basic <user:password>` (its `http_config.basic_auth`), whichever
 * are configured, compared in constant time. Nothing configured → open.
 */
export function checkWebhookAuth(authorization: string | null, expected: WebhookCredentials): void {
  const { bearerToken, basicUser, basicPassword } = expected;
  const basic = basicUser !== undefined && basicPassword !== undefined;
  if (!bearerToken && !basic) return;
  const [scheme = "", ...rest] = (authorization ?? "").trim().split(/\s+/);
  const value = rest.join(" ");
  let ok = false;
  if (/^bearer$/i.test(scheme) && bearerToken && value) ok = same(value, bearerToken);
  if (/^basic$/i.test(scheme) && basic && value) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) {
      const userOk = same(decoded.slice(0, colon), basicUser);
      const passwordOk = same(decoded.slice(colon + 1), basicPassword);
      ok = userOk && passwordOk;
    }
  }
  if (!ok) {
    const accepted = [bearerToken ? "Bearer token" : null, basic ? "Basic credentials" : null].filter(Boolean).join(" or ");
    throw new ServiceError("unauthorized", `missing or wrong ${accepted}`);
  }
}
