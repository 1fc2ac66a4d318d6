import fc from "fast-check";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { StandardWebhookError, signStandardWebhook, standardWebhookKey, verifyStandardWebhook } from "./standard-webhooks";

const SECRET = `whsec_${Buffer.from("a-thirty-two-byte-secret-0123456").toString("base64")}`;
const key = standardWebhookKey(SECRET);
const reference = new Webhook(SECRET);

function referenceHeaders(id: string, at: Date, body: string) {
  return { id, timestamp: String(Math.floor(at.getTime() / 1000)), signature: reference.sign(id, at, body) };
}

/** What the package says of the same request: null when it accepts it, else its reason in our words. */
function referenceVerdict(headers: { id: string; timestamp: string; signature: string }, body: string): string | null {
  try {
    reference.verify(body, { "webhook-id": headers.id, "webhook-timestamp": headers.timestamp, "webhook-signature": headers.signature }, { jsonParse: false });
    return null;
  } catch (e) {
    if (e instanceof WebhookVerificationError) return e.message.toLowerCase();
    throw e;
  }
}

function verdict(headers: { id: string; timestamp: string; signature: string }, body: string, now = new Date()): string | null {
  try {
    verifyStandardWebhook(key, headers, Buffer.from(body), now);
    return null;
  } catch (e) {
    if (e instanceof StandardWebhookError) return e.message;
    throw e;
  }
}

describe("Standard Webhooks on node:crypto, against the standardwebhooks package", () => {
  it("signs exactly as the package does, and accepts what the package signs", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 500 }), (id, body) => {
        const at = new Date();
        const timestampS = Math.floor(at.getTime() / 1000);
        expect(signStandardWebhook(key, id, timestampS, body)).toBe(reference.sign(id, at, body));
        expect(verdict(referenceHeaders(id, at, body), body)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it("refuses what the package refuses, with the same reason: tampered body, other secret, old or future timestamp, bad timestamp", () => {
    const body = JSON.stringify({ checks: [{ id: "c1", state: "down" }] });
    const now = new Date();
    const other = new Webhook(`whsec_${Buffer.from("another-secret-of-32-bytes-000000").toString("base64")}`);
    const cases = [
      { headers: referenceHeaders("msg_1", now, body), body: body.replace("down", "d0wn") },
      { headers: { ...referenceHeaders("msg_2", now, body), signature: other.sign("msg_2", now, body) }, body },
      { headers: referenceHeaders("msg_3", new Date(now.getTime() - 6 * 60_000), body), body },
      { headers: referenceHeaders("msg_4", new Date(now.getTime() + 6 * 60_000), body), body },
      { headers: { ...referenceHeaders("msg_5", now, body), timestamp: "soon" }, body },
      { headers: { ...referenceHeaders("msg_6", now, body), id: "msg_other" }, body },
    ];
    const ours = cases.map((c) => verdict(c.headers, c.body, now));
    expect(ours).toEqual(cases.map((c) => referenceVerdict(c.headers, c.body)));
    expect(ours).toEqual([
      "no matching signature found",
      "no matching signature found",
      "message timestamp too old",
      "message timestamp too new",
      "invalid signature headers",
      "no matching signature found",
    ]);
  });

  it("accepts any one of several signatures (a secret rotation) and a timestamp just inside the 5 minutes", () => {
    const body = "{}";
    const now = new Date();
    const edge = new Date(now.getTime() - 299_000);
    const h = referenceHeaders("msg_r", edge, body);
    expect(verdict({ ...h, signature: `v1,bm90LXRoaXMtb25l ${h.signature}` }, body, now)).toBeNull();
    expect(verdict({ ...h, signature: "v1,bm90LXRoaXMtb25l v1,b3Itb25l" }, body, now)).toBe("no matching signature found");
  });

  it("says an empty secret is empty", () => {
    expect(() => standardWebhookKey("whsec_")).toThrow(/empty/);
  });
});
