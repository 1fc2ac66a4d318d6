import { createHmac, timingSafeEqual } from "node:crypto";
import { ServiceError } from "@/lib/errors";
import type { DeliveryClaims } from "@/lib/sources/delivery-claims";

/** Slack's window for `X-Slack-Request-Timestamp`, either way. */
export const SLACK_TIMESTAMP_TOLERANCE_S = 300;

/** The v0 signature of a request: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` under the signing secret. */
export function slackSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`;
}

/**
 * Verify a request from Slack (interactions, Events API): the timestamp within five minutes, the
 * signature compared in constant time, and a signature seen before refused as a replay. Throws
 * unauthorized; nothing of the body is read before this passes.
 */
export async function verifySlackRequest({
  ctx,
  input,
}: {
  ctx: { claims: DeliveryClaims; signingSecret: string | undefined; now: Date };
  input: { headers: Headers; body: Buffer; endpoint: "interactions" | "events" };
}): Promise<void> {
  if (!ctx.signingSecret) throw new ServiceError("not_found", "Slack is not configured (SLACK_SIGNING_SECRET)");
  const timestamp = input.headers.get("x-slack-request-timestamp") ?? "";
  const signature = input.headers.get("x-slack-signature") ?? "";
  if (!/^\d{1,12}$/.test(timestamp)) throw new ServiceError("unauthorized", "missing or malformed X-Slack-Request-Timestamp");
  if (Math.abs(ctx.now.getTime() / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_S) {
    throw new ServiceError("unauthorized", "X-Slack-Request-Timestamp is more than five minutes away from now");
  }
  const expected = Buffer.from(slackSignature(ctx.signingSecret, timestamp, input.body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ServiceError("unauthorized", "X-Slack-Signature does not match");
  if (!(await ctx.claims.claim(`slack:${input.endpoint}`, signature))) throw new ServiceError("unauthorized", "this signed request was already received (replay)");
}
