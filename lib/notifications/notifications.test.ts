import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { intakeContext } from "@/lib/intake/intake-context";
import { ingestAlerts } from "@/lib/intake/ingest-alerts";
import { alertmanagerWebhookSchema } from "@/lib/alerts/schema";
import { reopenCase } from "@/lib/cases/reopen-case";
import { resolveCase } from "@/lib/cases/resolve-case";
import { auditEvents, cases, chatMessages, chatThreads, notificationOutbox, receivedAlerts, slackMessages, users } from "@/lib/db/schema";
import { loadEnv } from "@/lib/env";
import { startWorker } from "@/lib/jobs/start-worker";
import type { Consumer } from "@/lib/queue/types";
import { createRuntime, type Runtime } from "@/lib/runtime";
import { handleSlackInteraction } from "@/lib/slack/handle-interaction";
import { receiveSlackEvent } from "@/lib/slack/receive-event";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { startFakeSlack, type FakeSlack } from "@/test/helpers/fake-slack";
import { listenOnLoopback } from "@/test/helpers/listen";
import { newUser } from "@/test/helpers/users";
import { createWebhookEndpoint } from "./create-webhook-endpoint";
import { getSlackDelivery } from "./get-slack-delivery";
import { listWebhookEndpoints } from "./list-webhook-endpoints";

let tdb: TestDatabase;
let slack: FakeSlack;
let rt: Runtime;
let consumer: Consumer;
let dataDir: string;
let receiver: { url: string; close(): Promise<void> };
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
let receiverStatuses: number[] = [];

/** Retry an assertion until it holds (the delivery loop polls every 100 ms). */
const until = <T>(check: () => Promise<T> | T, timeout = 15_000) => vi.waitFor(check, { timeout, interval: 100 });

const CHANNEL = "C0DEFAULT";
const PAY_CHANNEL = "C0PAYMENTS";

function alert(labels: Record<string, string>, status: "firing" | "resolved" = "firing", fingerprint?: string) {
  return alertmanagerWebhookSchema.parse({
    version: "4",
    status,
    receiver: "tarka",
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `${labels.alertname} on ${labels.pod}` },
        startsAt: new Date(Date.now() - 120_000).toISOString(),
        endsAt: status === "resolved" ? new Date().toISOString() : "0001-01-01T00:00:00Z",
        ...(fingerprint ? { fingerprint } : {}),
      },
    ],
  });
}

async function caseOf(pod: string) {
  const [row] = await rt.database.db.select().from(cases).where(sql`${cases.labels}->>'pod' = ${pod}`);
  return row;
}

/** Make every backing-off row due now, instead of waiting out its backoff. */
async function makeDue(caseId: string) {
  await rt.database.db.update(notificationOutbox).set({ nextAttemptAt: sql`now()` }).where(and(eq(notificationOutbox.caseId, caseId), eq(notificationOutbox.status, "pending")));
}

async function slackUser(role: "viewer" | "responder" | "admin", slackId: string) {
  const u = await newUser(rt.database.db, role);
  const email = `${u.username}@example.com`;
  await rt.database.db.update(users).set({ email }).where(eq(users.id, u.id));
  slack.users.set(slackId, email.toUpperCase());
  return u;
}

beforeAll(async () => {
  [tdb, slack] = await Promise.all([createTestDatabase(), startFakeSlack()]);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(receiverStatuses.shift() ?? 204).end();
    });
  });
  receiver = await listenOnLoopback(server);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-notify-"));
  rt = await createRuntime({
    env: loadEnv({
      DATABASE_URL: tdb.url,
      DATA_DIR: dataDir,
      KUBERNETES_ENABLED: "false",
      LOG_LEVEL: "fatal",
      PROVIDER_TIMEOUT_MS: "2000",
      SLACK_BOT_TOKEN: slack.token,
      SLACK_CHANNEL: CHANNEL,
      SLACK_ROUTES: `namespace:payments=${PAY_CHANNEL}`,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: "slack-signing-secret-for-tests",
      AUTH_PUBLIC_BASE_URL: "https://tarka.example.com",
      NOTIFICATIONS_POLL_MS: "100",
    }),
    name: "notifications-test",
  });
  consumer = await startWorker(rt);
}, 60_000);

afterAll(async () => {
  await consumer?.stop(5_000);
  await rt?.close();
  await Promise.all([tdb?.drop(), slack?.stop(), receiver?.close()]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("Slack, end to end from an alert", () => {
  it("posts one message per case, updates it with a thread reply on a re-run and on resolution", async () => {
    const pod = "api-7d9c5-x1";
    const labels = { alertname: "KubePodCrashLooping", namespace: "payments", pod, severity: "critical" };
    await ingestAlerts({ ctx: intakeContext(rt), input: { payload: alert(labels, "firing", "fp-slack-1") } });
    const posted = await until(async () => {
      const [m] = slack.topLevel(PAY_CHANNEL);
      expect(m).toBeDefined();
      return m;
    }, 20_000);
    const c = await caseOf(pod);
    const blocks = JSON.stringify(posted.blocks);
    expect(blocks).toContain(c.title);
    expect(blocks).toContain("*Verdict:*");
    expect(blocks).toContain(`https://tarka.example.com/cases/${c.id}`);
    expect(blocks).toContain("tarka_acknowledge");
    await until(async () => {
      const [mapping] = await rt.database.db.select().from(slackMessages).where(eq(slackMessages.caseId, c.id));
      expect(mapping).toMatchObject({ channel: PAY_CHANNEL, ts: posted.ts });
    });
    const state = await until(async () => {
      const s = await getSlackDelivery({ ctx: { db: rt.database.db, actor: { id: null, username: "t", name: null, role: "viewer", sessionId: null } }, input: { caseId: c.id } });
      expect(s?.latest?.status).toBe("delivered");
      return s;
    });
    expect(state?.message?.permalink).toMatch(/^https:\/\/fake\.slack\.com\/archives\/C0PAYMENTS\/p/);

    // A second alertname on the same pod: a new run of the same case, not a new message.
    await ingestAlerts({ ctx: intakeContext(rt), input: { payload: alert({ ...labels, alertname: "KubePodNotReady" }, "firing", "fp-slack-2") } });
    await until(async () => {
      expect(slack.replies(posted.ts).map((m) => m.text).join("\n")).toMatch(/Investigated again \(run 2\)/);
    }, 20_000);
    expect(slack.topLevel(PAY_CHANNEL)).toHaveLength(1);
    expect(posted.updates).toBeGreaterThanOrEqual(1);

    await ingestAlerts({ ctx: intakeContext(rt), input: { payload: alert(labels, "resolved", "fp-slack-1") } });
    await until(async () => {
      expect(JSON.stringify(posted.blocks)).toContain("✅ Resolved: ");
      expect(slack.replies(posted.ts).map((m) => m.text).join("\n")).toMatch(/Resolved by alertmanager: alert resolved/);
    }, 20_000);
    expect(JSON.stringify(posted.blocks)).not.toContain("tarka_acknowledge");
    expect(slack.topLevel()).toHaveLength(1);
  }, 60_000);

  it("keeps the notification through a Slack outage (5xx, then 429 with Retry-After) and never fails the investigation", async () => {
    const pod = "worker-outage-1";
    slack.failNext("chat.postMessage", { status: 503 }, { status: 429, retryAfter: 7 });
    await ingestAlerts({ ctx: intakeContext(rt), input: { payload: alert({ alertname: "KubePodCrashLooping", namespace: "batch", pod }, "firing", "fp-outage") } });
    const c = await until(async () => {
      const row = await caseOf(pod);
      expect(row).toBeDefined();
      return row;
    }, 20_000);
    const [receipt] = await rt.database.db.select().from(receivedAlerts).where(eq(receivedAlerts.fingerprint, "fp-outage"));
    expect(receipt.disposition).toBe("investigated");

    const first = await until(async () => {
      const [row] = await rt.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.caseId, c.id));
      // The attempt is counted when the row is claimed; its outcome is written after the send.
      expect(row).toMatchObject({ attempts: 1, responseCode: 503 });
      return row;
    });
    expect(first).toMatchObject({ status: "pending", lastError: "Slack answered HTTP 503", responseCode: 503 });
    expect(first.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(2_000);
    await makeDue(c.id);

    const second = await until(async () => {
      const [row] = await rt.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.caseId, c.id));
      expect(row).toMatchObject({ attempts: 2, lastError: "Slack rate limit; retry after 7s" });
      return row;
    });
    expect(second.lastError).toBe("Slack rate limit; retry after 7s");
    const wait = second.nextAttemptAt.getTime() - Date.now();
    expect(wait).toBeGreaterThan(5_000);
    expect(wait).toBeLessThanOrEqual(7_000);
    expect(slack.topLevel(CHANNEL).filter((m) => JSON.stringify(m.blocks).includes(c.id))).toHaveLength(0);
    await makeDue(c.id);

    await until(async () => {
      const [row] = await rt.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.caseId, c.id));
      expect(row).toMatchObject({ status: "delivered", attempts: 3, lastError: null });
    });
    expect(slack.topLevel(CHANNEL).filter((m) => JSON.stringify(m.blocks).includes(c.id))).toHaveLength(1);
    const metrics = await rt.metrics.registry.getSingleMetricAsString("tarka_notifications_total");
    expect(metrics).toMatch(/tarka_notifications_total\{channel="slack",outcome="retry"\} [1-9]/);
  }, 60_000);

  it("marks a refusal by Slack failed at once, with the reason on the case", async () => {
    slack.failNext("chat.postMessage", { error: "channel_not_found" });
    const pod = "refused-1";
    await ingestAlerts({ ctx: intakeContext(rt), input: { payload: alert({ alertname: "KubePodCrashLooping", namespace: "ops", pod }, "firing", "fp-refused") } });
    const c = await until(async () => {
      const row = await caseOf(pod);
      expect(row).toBeDefined();
      return row;
    }, 20_000);
    const state = await until(async () => {
      const s = await getSlackDelivery({ ctx: { db: rt.database.db, actor: { id: null, username: "t", name: null, role: "viewer", sessionId: null } }, input: { caseId: c.id } });
      expect(s?.latest?.status).toBe("failed");
      return s;
    });
    expect(state).toMatchObject({ message: null, latest: { attempts: 1, lastError: "Slack refused: channel_not_found" } });
  }, 40_000);
});

describe("Slack buttons and mentions", () => {
  async function openCase(pod: string) {
    await ingestAlerts({ ctx: intakeContext(rt), input: { payload: alert({ alertname: "KubePodCrashLooping", namespace: "payments", pod }, "firing", `fp-${pod}`) } });
    return until(async () => {
      const c = await caseOf(pod);
      expect(c).toBeDefined();
      const [m] = await rt.database.db.select().from(slackMessages).where(eq(slackMessages.caseId, c.id));
      expect(m).toBeDefined();
      return { c, m };
    }, 20_000);
  }

  const ctx = () => ({ db: rt.database.db, slack: rt.slack!, outbound: rt.outbound, log: rt.log, now: new Date() });
  const press = (user: string, actionId: string, caseId: string, ts: string) =>
    handleSlackInteraction({
      ctx: ctx(),
      input: { type: "block_actions", user: { id: user }, channel: { id: PAY_CHANNEL }, message: { ts }, actions: [{ action_id: actionId, value: caseId }] },
    });

  it("acknowledge, snooze and resolve run the console verbs as the Slack user's Tarka account, audited", async () => {
    const { c, m } = await openCase("buttons-1");
    const responder = await slackUser("responder", "U0RESPONDER");

    expect(await press("U0RESPONDER", "tarka_acknowledge", c.id, m.ts)).toBe("You acknowledged the case.");
    expect(await press("U0RESPONDER", "tarka_snooze_4h", c.id, m.ts)).toBe("You snoozed the case for 4 hours.");
    const snoozed = await caseOf("buttons-1");
    expect(Math.abs(snoozed.snoozedUntil!.getTime() - Date.now() - 4 * 3_600_000)).toBeLessThan(60_000);
    expect(await press("U0RESPONDER", "tarka_resolve", c.id, m.ts)).toBe("You resolved the case.");
    expect((await caseOf("buttons-1")).status).toBe("resolved");

    const audit = await rt.database.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ["acknowledge", responder.username],
      ["snooze", responder.username],
      ["resolve", responder.username],
    ]);
    expect(slack.ephemerals.filter((e) => e.user === "U0RESPONDER").map((e) => e.threadTs)).toEqual([m.ts, m.ts, m.ts]);
    await until(async () => {
      const replies = slack.replies(m.ts).map((r) => r.text);
      expect(replies).toEqual([`Acknowledged by ${responder.username}`, expect.stringMatching(`^Snoozed by ${responder.username} until `), `Resolved by ${responder.username} (other): resolved from Slack`]);
    }, 20_000);

    await reopenCase({ ctx: { db: rt.database.db, actor: responder, outbound: rt.outbound }, input: { caseId: c.id } });
    await until(async () => expect(slack.replies(m.ts).map((r) => r.text).at(-1)).toBe(`Reopened by ${responder.username}`), 20_000);
  }, 60_000);

  it("refuses an unknown Slack user and a viewer with an ephemeral explanation, changing nothing", async () => {
    const { c, m } = await openCase("buttons-2");
    await slackUser("viewer", "U0VIEWER");
    expect(await press("U0NOBODY", "tarka_resolve", c.id, m.ts)).toMatch(/could not match your Slack account/);
    expect(await press("U0VIEWER", "tarka_resolve", c.id, m.ts)).toMatch(/^Nothing was changed: this needs the responder role/);
    expect((await caseOf("buttons-2")).status).toBe("open");
    expect(await rt.database.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id))).toEqual([]);
    expect(slack.ephemerals.filter((e) => e.user === "U0NOBODY" || e.user === "U0VIEWER")).toHaveLength(2);
  }, 40_000);

  it("answers an @mention in a case thread once, in that thread, with the case chat", async () => {
    const { c, m } = await openCase("mention-1");
    await slackUser("responder", "U0ASKER");
    const event = {
      type: "event_callback" as const,
      event_id: "Ev0MENTION1",
      event: { type: "app_mention", user: "U0ASKER", text: "<@U0TARKA> what is the verdict?", channel: PAY_CHANNEL, ts: "1800000000.000200", thread_ts: m.ts },
    };
    expect(await receiveSlackEvent({ ctx: { db: rt.database.db }, input: event })).toBe(true);
    expect(await receiveSlackEvent({ ctx: { db: rt.database.db }, input: event })).toBe(false);
    const answer = await until(async () => {
      const replies = slack.replies(m.ts);
      expect(replies.length).toBeGreaterThan(0);
      return replies;
    }, 20_000);
    expect(answer.map((a) => a.text)).toHaveLength(1);
    expect(answer[0].text.length).toBeGreaterThan(10);
    expect(answer[0].text).not.toMatch(/did not answer|nothing to say|could not finish|could not match/);
    const [row] = await rt.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.dedupeKey, "slack-event:Ev0MENTION1"));
    expect(row).toMatchObject({ status: "delivered", caseId: c.id, event: "slack.mention" });

    // A follow-up in the same Slack thread continues the asker's chat thread (its history goes with it).
    const followUp = { ...event, event_id: "Ev0MENTION2", event: { ...event.event, text: "<@U0TARKA> and what should I run next?", ts: "1800000000.000300" } };
    expect(await receiveSlackEvent({ ctx: { db: rt.database.db }, input: followUp })).toBe(true);
    await until(async () => expect(slack.replies(m.ts)).toHaveLength(2), 20_000);
    const threads = await rt.database.db.select().from(chatThreads).where(eq(chatThreads.caseId, c.id));
    expect(threads).toHaveLength(1);
    const turns = await rt.database.db.select().from(chatMessages).where(eq(chatMessages.threadId, threads[0].id));
    expect(turns.filter((t) => t.role === "user").map((t) => t.content).sort()).toEqual(["and what should I run next?", "what is the verdict?"]);
    expect(turns.filter((t) => t.role === "assistant")).toHaveLength(2);
  }, 40_000);
});

describe("signed outbound webhooks", () => {
  it("POSTs case events signed with Standard Webhooks, retries a 5xx with the same webhook-id, and logs each delivery", async () => {
    const admin = await newUser(rt.database.db, "admin");
    const { endpoint, secret } = await createWebhookEndpoint({
      ctx: { db: rt.database.db, actor: admin },
      input: { name: "pager", url: `${receiver.url}/hook`, events: ["case.opened", "case.resolved"] },
    });
    expect(secret).toMatch(/^whsec_/);
    receiverStatuses = [500];
    const pod = "hooked-1";
    await ingestAlerts({ ctx: intakeContext(rt), input: { payload: alert({ alertname: "KubePodCrashLooping", namespace: "shop", pod }, "firing", "fp-hook") } });
    const c = await until(async () => {
      const row = await caseOf(pod);
      expect(row).toBeDefined();
      return row;
    }, 20_000);
    await until(async () => expect(received).toHaveLength(1), 20_000);
    await makeDue(c.id);
    await until(async () => expect(received).toHaveLength(2), 20_000);

    const [failed, ok] = received;
    expect(ok.headers["webhook-id"]).toBe(failed.headers["webhook-id"]);
    const verified = new Webhook(secret).verify(ok.body, ok.headers as Record<string, string>) as { type: string; data: { case: { id: string; url: string } } };
    expect(verified.type).toBe("case.opened");
    expect(verified.data.case).toMatchObject({ id: c.id, url: `https://tarka.example.com/cases/${c.id}` });
    const wrong = new Webhook(`whsec_${Buffer.from("another-secret-0123456789").toString("base64")}`);
    expect(() => wrong.verify(ok.body, ok.headers as Record<string, string>)).toThrow();
    expect(() => new Webhook(secret).verify(ok.body.replace("case.opened", "case.resolved"), ok.headers as Record<string, string>)).toThrow();

    await resolveCase({ ctx: { db: rt.database.db, actor: admin, outbound: rt.outbound }, input: { caseId: c.id, category: "fixed", summary: "rolled back" } });
    await until(async () => expect(received).toHaveLength(3), 20_000);
    const resolved = new Webhook(secret).verify(received[2].body, received[2].headers as Record<string, string>) as { type: string; data: { actor: string; case: { resolution: { summary: string } } } };
    expect(resolved).toMatchObject({ type: "case.resolved", data: { actor: admin.username, case: { resolution: { summary: "rolled back" } } } });

    const log = await listWebhookEndpoints({ ctx: { db: rt.database.db, actor: admin } });
    expect(log.items).toEqual([expect.objectContaining({ id: endpoint.id, name: "pager" })]);
    expect(JSON.stringify(log)).not.toContain(secret);
    const mine = log.deliveries.filter((d) => d.endpointId === endpoint.id);
    expect(mine.map((d) => [d.event, d.status, d.attempts, d.responseCode])).toEqual([
      ["case.resolved", "delivered", 1, 204],
      ["case.opened", "delivered", 2, 204],
    ]);
    expect(mine.every((d) => typeof d.durationMs === "number")).toBe(true);
  }, 60_000);
});
