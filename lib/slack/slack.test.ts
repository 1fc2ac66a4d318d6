import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";
import { backoffMs } from "@/lib/delivery/deliver-notifications";
import type { CaseEventPayload } from "@/lib/notifications/case-event";
import { retryAfterMs } from "@/lib/delivery/send-webhook";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { createDeliveryClaims, type DeliveryClaims } from "@/lib/sources/delivery-claims";
import { rejection } from "@/test/helpers/rejection";
import { escapeMrkdwn, renderCaseMessage, renderThreadReply, slackChannelFor } from "./case-message";
import { slackSignature, verifySlackRequest } from "./verify-slack-request";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

function payload(overrides: Partial<CaseEventPayload["case"]> = {}, event: CaseEventPayload["event"] = "case.opened"): CaseEventPayload {
  return {
    event,
    occurredAt: "2026-12-04T10:00:00.000Z",
    actor: null,
    case: {
      id: "6f1c1a52-4f7e-4d8e-9d55-0d1f5d2b9a10",
      title: "Pod payments/api-1 is crash looping",
      status: "open",
      classification: "actionable",
      oneLiner: "Container restarts after OOM kill",
      impact: 70,
      confidence: 60,
      severity: "critical",
      alertname: "KubePodCrashLooping",
      source: "alertmanager",
      cluster: "prod",
      namespace: "payments",
      team: "checkout",
      service: "api",
      runCount: 1,
      snoozedUntil: null,
      resolution: null,
      ...overrides,
    },
    topCause: { title: "Memory limit too low", category: "resource", confidence: 74, evidence: "OOMKilled 7 times in 10m" },
  };
}

describe("Slack request signatures (v0)", () => {
  let tdb: TestDatabase;
  let claims: DeliveryClaims;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    claims = createDeliveryClaims(tdb.db);
  }, 60_000);
  afterAll(async () => {
    await tdb?.drop();
  });

  const now = new Date("2026-12-04T12:00:00Z");
  const ts = String(Math.floor(now.getTime() / 1000));
  const body = Buffer.from("token=x&payload=%7B%22type%22%3A%22block_actions%22%7D");
  const verify = (headers: Record<string, string>, b = body, at = now, secret: { value?: string } = { value: SECRET }) =>
    verifySlackRequest({ ctx: { claims, signingSecret: secret.value, now: at }, input: { headers: new Headers(headers), body: b, endpoint: "interactions" } });

  it("matches Slack's documented example signature", () => {
    // From Slack's "Verifying requests from Slack" guide.
    const documented = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(slackSignature(SECRET, "1531420618", documented)).toBe("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
  });

  it("accepts a correctly signed request once and refuses its replay", async () => {
    const headers = { "x-slack-request-timestamp": ts, "x-slack-signature": slackSignature(SECRET, ts, body) };
    await expect(verify(headers)).resolves.toBeUndefined();
    expect(await rejection(verify(headers))).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/replay/) });
  });

  it("refuses a wrong secret, a tampered body, a stale or future timestamp, and missing headers", async () => {
    const good = (t = ts, b = body) => ({ "x-slack-request-timestamp": t, "x-slack-signature": slackSignature(SECRET, t, b) });
    const wrong = { "x-slack-request-timestamp": ts, "x-slack-signature": slackSignature("another-secret", ts, body) };
    expect(await rejection(verify(wrong))).toMatchObject({ code: "unauthorized", message: "X-Slack-Signature does not match" });
    expect(await rejection(verify(good(), Buffer.from(`${body.toString()}&x=1`)))).toMatchObject({ code: "unauthorized", message: "X-Slack-Signature does not match" });
    const stale = String(Number(ts) - 301);
    expect(await rejection(verify(good(stale)))).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/five minutes/) });
    const future = String(Number(ts) + 301);
    expect(await rejection(verify(good(future)))).toMatchObject({ code: "unauthorized" });
    expect(await rejection(verify({}))).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/X-Slack-Request-Timestamp/) });
    expect(await rejection(verify({ "x-slack-request-timestamp": ts, "x-slack-signature": "v0=short" }))).toMatchObject({ code: "unauthorized" });
    expect(await rejection(verify(good(), body, now, {}))).toMatchObject({ code: "not_found" });
  });
});

describe("case messages", () => {
  it("escapes Slack control characters in every alert-derived string", () => {
    const hostile = "<!channel> & <https://evil.example|click>";
    const message = renderCaseMessage(
      { ...payload({ oneLiner: hostile, severity: hostile, namespace: hostile }), topCause: { title: hostile, category: "x", confidence: 1, evidence: hostile } },
      "https://tarka.example.com",
    );
    const mrkdwn = JSON.stringify(message.blocks?.filter((b) => b.type !== "header"));
    expect(mrkdwn).not.toContain("<!channel>");
    expect(mrkdwn).not.toContain("<https://evil");
    expect(mrkdwn).toContain("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;");
    expect(escapeMrkdwn("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
    expect(renderThreadReply({ ...payload({ resolution: { by: "x", summary: hostile } }, "case.resolved"), actor: "<@U1>" })).toBe(
      "Resolved by &lt;@U1&gt;: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;",
    );
  });

  it("shows verdict, top cause with evidence, scores, the link and the buttons; a resolved case keeps only Open", () => {
    const open = JSON.stringify(renderCaseMessage(payload(), "https://tarka.example.com/").blocks);
    expect(open).toContain("*Top cause:* Memory limit too low (74%)\\n> OOMKilled 7 times in 10m");
    expect(open).toContain("Impact 70 · Confidence 60");
    expect(open).toContain('"url":"https://tarka.example.com/cases/6f1c1a52-4f7e-4d8e-9d55-0d1f5d2b9a10"');
    for (const id of ["tarka_acknowledge", "tarka_snooze_4h", "tarka_resolve", "tarka_open"]) expect(open).toContain(id);
    const resolved = JSON.stringify(renderCaseMessage(payload({ status: "resolved", resolution: { by: "alice" } }), null).blocks);
    expect(resolved).toContain("✅ Resolved: Pod payments/api-1");
    expect(resolved).toContain("resolved by alice");
    expect(resolved).not.toContain("tarka_");
  });

  it("routes by namespace or team, else the default channel", () => {
    const routes = loadEnv({ SLACK_ROUTES: "namespace:payments=C1, team:db=C2" }).SLACK_ROUTES;
    expect(routes).toEqual([{ key: "namespace", value: "payments", channel: "C1" }, { key: "team", value: "db", channel: "C2" }]);
    expect(slackChannelFor(payload(), routes, "C0")).toBe("C1");
    expect(slackChannelFor(payload({ namespace: "other", team: "db" }), routes, "C0")).toBe("C2");
    expect(slackChannelFor(payload({ namespace: "other", team: null }), routes, "C0")).toBe("C0");
    expect(() => loadEnv({ SLACK_ROUTES: "payments=C1" })).toThrow(/SLACK_ROUTES.*expected namespace:<name>=<channel>/);
    expect(() => loadEnv({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_BOT_TOKEN and SLACK_CHANNEL must be set together/);
  });
});

describe("retry timing", () => {
  it("backs off exponentially with jitter up to an hour, and reads Retry-After as seconds or a date", () => {
    expect(backoffMs(1, () => 0.5)).toBe(5_000);
    expect(backoffMs(3, () => 0.5)).toBe(20_000);
    expect(backoffMs(30, () => 0.5)).toBe(3_600_000);
    expect(backoffMs(1, () => 0)).toBe(4_000);
    expect(retryAfterMs("12")).toBe(12_000);
    expect(retryAfterMs(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(55_000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});
