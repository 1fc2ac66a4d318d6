import { Webhook } from "standardwebhooks";
import { ServiceError, errorMessage } from "@/lib/errors";
import { redactText, redactUrl } from "@/lib/redact";

/** HTTP answers worth trying again; any other 4xx is the receiver refusing this event for good. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** Seconds or an HTTP date, as in Retry-After; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * POST one event, signed with the Standard Webhooks scheme (`webhook-id` stays the same across
 * retries, so receivers can drop duplicates). Resolves with the status code of a 2xx answer; other
 * answers throw the shared ServiceError, with the code in details.
 */
export async function sendWebhook(input: {
  url: string;
  secret: string;
  messageId: string;
  body: string;
  timeoutMs: number;
  now?: Date;
}): Promise<number> {
  const at = input.now ?? new Date();
  const signature = new Webhook(input.secret).sign(input.messageId, at, input.body);
  let res: Response;
  try {
    res = await fetch(input.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Tarka-Webhooks/1",
        "webhook-id": input.messageId,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: input.body,
      redirect: "manual",
      signal: AbortSignal.timeout(input.timeoutMs),
    });
  } catch (e) {
    throw new ServiceError("unavailable", `could not reach ${redactUrl(input.url)}: ${redactText(errorMessage(e))}`);
  }
  await res.body?.cancel();
  if (res.status >= 200 && res.status < 300) return res.status;
  const details = { responseCode: res.status, retryAfterMs: retryAfterMs(res.headers.get("retry-after")) };
  if (res.status === 429) throw new ServiceError("rate_limited", "the receiver answered HTTP 429", { details });
  if (res.status >= 500 || RETRYABLE_4XX.has(res.status)) throw new ServiceError("unavailable", `the receiver answered HTTP ${res.status}`, { details });
  throw new ServiceError("invalid_input", `the receiver refused the event with HTTP ${res.status}`, { details });
}
