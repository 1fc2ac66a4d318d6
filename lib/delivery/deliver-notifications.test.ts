import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cases, notificationOutbox, slackMessages } from "@/lib/db/schema";
import { createLogger } from "@/lib/log";
import { enqueueCaseEvent } from "@/lib/notifications/case-event";
import { createSlackApi } from "@/lib/slack/slack-api";
import { bothDatabases } from "@/test/helpers/database";
import { startFakeSlack, type FakeSlack } from "@/test/helpers/fake-slack";
import { CLAIM_LEASE_MS, deliverDueNotifications, type DeliveryContext } from "./deliver-notifications";

const databases = bothDatabases("deliver-notifications");
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack?.stop();
});

/** How long Slack takes to answer chat.postMessage in the test: far longer than a query on an idle database. */
const SLOW_SLACK_MS = 3_000;

describe.each([
  ["PostgreSQL", () => databases.postgres().db],
  // PGlite (embedded mode) has one connection: a send holding a transaction would stall every query.
  ["PGlite", () => databases.pglite().db],
])("the notification outbox while Slack answers slowly (%s)", (_name, dbOf) => {
  it("sends holding no transaction: other database work proceeds, and the claimed row is not sent twice", async () => {
    const db = dbOf();
    const ctx: DeliveryContext = {
      db,
      log: createLogger({ level: "fatal" }),
      slack: createSlackApi({ token: slack.token, baseUrl: slack.apiUrl, timeoutMs: 10_000 }),
      config: { maxAttempts: 5, timeoutMs: 10_000, baseUrl: null, slackChannel: "C0SLOW", slackRoutes: [] },
    };
    const [c] = await db
      .insert(cases)
      .values({ identityKey: `slow-slack-${randomUUID()}`, identityKind: "fingerprint", title: "Slow Slack", alertname: "KubePodCrashLooping", family: "crashloop" })
      .returning();
    await enqueueCaseEvent({ ctx: { db, outbound: { slack: true } }, input: { event: "case.opened", caseId: c.id } });
    const postsBefore = slack.calls.filter((call) => call.method === "chat.postMessage").length;
    slack.delayNext("chat.postMessage", SLOW_SLACK_MS);

    const started = performance.now();
    const delivering = deliverDueNotifications({ ctx, input: { limit: 1 } });
    await vi.waitFor(() => expect(slack.calls.filter((call) => call.method === "chat.postMessage")).toHaveLength(postsBefore + 1), { timeout: 10_000, interval: 20 });

    // Slack holds the post; the database answers meanwhile, and a second deliverer finds nothing due.
    const [open] = await db.select({ n: count() }).from(cases).where(eq(cases.id, c.id));
    expect(open.n).toBe(1);
    expect(await deliverDueNotifications({ ctx, input: { limit: 5 } })).toBe(0);
    expect(performance.now() - started).toBeLessThan(SLOW_SLACK_MS);
    const [claimed] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.caseId, c.id));
    expect(claimed).toMatchObject({ status: "pending", attempts: 1 });
    expect(claimed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + CLAIM_LEASE_MS / 2);

    expect(await delivering).toBe(1);
    const [delivered] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.caseId, c.id));
    expect(delivered).toMatchObject({ status: "delivered", attempts: 1 });
    expect(await db.select().from(slackMessages).where(eq(slackMessages.caseId, c.id))).toHaveLength(1);
    expect(slack.calls.filter((call) => call.method === "chat.postMessage")).toHaveLength(postsBefore + 1);
  }, 30_000);
});
