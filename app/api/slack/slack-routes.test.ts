import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationOutbox } from "@/lib/db/schema";
import { slackSignature } from "@/lib/slack/verify-slack-request";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { startFakeSlack, type FakeSlack } from "@/test/helpers/fake-slack";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

const SIGNING_SECRET = "route-test-slack-signing-secret";

describe("POST /api/slack/* on the production build", () => {
  let server: WebServer;
  let slack: FakeSlack;
  let tdb: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    [tdb, slack] = await Promise.all([createTestDatabase(), startFakeSlack()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-slack-route-"));
    server = await startWebServer({
      DATA_DIR: dir,
      DATABASE_URL: tdb.url,
      KUBERNETES_ENABLED: "false",
      LOG_LEVEL: "warn",
      SLACK_BOT_TOKEN: slack.token,
      SLACK_CHANNEL: "C0ROUTE",
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await Promise.all([tdb?.drop(), slack?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function signed(body: string, options: { secret?: string; at?: number; type?: string } = {}) {
    const ts = String(options.at ?? Math.floor(Date.now() / 1000));
    return {
      "content-type": options.type ?? "application/json",
      "x-slack-request-timestamp": ts,
      "x-slack-signature": slackSignature(options.secret ?? SIGNING_SECRET, ts, body),
    };
  }
  const post = (route: string, body: string, headers: Record<string, string>) => fetch(`${server.url}/api/slack/${route}`, { method: "POST", headers, body });

  it("answers Slack's URL verification when signed, and refuses wrong secret, stale timestamp, tampered body and replay", async () => {
    const body = JSON.stringify({ token: "legacy", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    const headers = signed(body);
    const ok = await post("events", body, headers);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });

    const replay = await post("events", body, headers);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: "unauthorized", message: expect.stringMatching(/replay/) } });
    expect((await post("events", body, signed(body, { secret: "not-the-secret" }))).status).toBe(401);
    expect((await post("events", body, signed(body, { at: Math.floor(Date.now() / 1000) - 600 }))).status).toBe(401);
    expect((await post("events", body.replace("3eZ", "4eZ"), signed(body))).status).toBe(401);
    expect((await post("events", body, { "content-type": "application/json" })).status).toBe(401);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tarka_source_signature_failures_total\{source="slack-events",reason="signature"\} [4-9]/);
  });

  it("queues an app_mention once however often Slack retries it", async () => {
    const envelope = (retry: number) =>
      JSON.stringify({
        type: "event_callback",
        event_id: "Ev0ROUTE42",
        event: { type: "app_mention", user: "U0ROUTE", text: `<@U0BOT> why? ${retry}`, channel: "C0ROUTE", ts: "1800000000.000300" },
      });
    for (const retry of [0, 1]) {
      const res = await post("events", envelope(retry), signed(envelope(retry)));
      expect(res.status).toBe(200);
    }
    const rows = await tdb.db.select().from(notificationOutbox).where(eq(notificationOutbox.dedupeKey, "slack-event:Ev0ROUTE42"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: "slack", event: "slack.mention", caseId: null });
  });

  it("answers a button press by an unknown Slack user with an ephemeral message, and refuses a malformed payload", async () => {
    const interaction = {
      type: "block_actions",
      user: { id: "U0STRANGER", username: "stranger" },
      channel: { id: "C0ROUTE" },
      message: { ts: "1800000000.000100" },
      actions: [{ action_id: "tarka_resolve", value: "6f1c1a52-4f7e-4d8e-9d55-0d1f5d2b9a10", type: "button" }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(interaction) }).toString();
    const res = await post("interactions", body, signed(body, { type: "application/x-www-form-urlencoded" }));
    expect(res.status).toBe(200);
    expect(slack.ephemerals).toEqual([expect.objectContaining({ user: "U0STRANGER", channel: "C0ROUTE", text: expect.stringMatching(/could not match your Slack account/) })]);

    const bad = "payload=not-json";
    const refused = await post("interactions", bad, signed(bad, { type: "application/x-www-form-urlencoded" }));
    expect(refused.status).toBe(400);
  });
});
