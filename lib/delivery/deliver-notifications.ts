import { and, asc, count, eq, lte, sql } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/client";
import { notificationOutbox, slackMessages, webhookEndpoints } from "@/lib/db/schema";
import type { SlackRoute } from "@/lib/env";
import { ServiceError, errorMessage, isServiceError, queueDisposition } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { Metrics } from "@/lib/metrics";
import { redactText } from "@/lib/redact";
import { caseUrl, renderCaseMessage, renderThreadReply, slackChannelFor } from "@/lib/slack/case-message";
import type { SlackApi } from "@/lib/slack/slack-api";
import type { CaseEventPayload } from "@/lib/notifications/case-event";
import { sendWebhook } from "./send-webhook";

type OutboxRow = typeof notificationOutbox.$inferSelect;

export type DeliveryContext = {
  db: Db;
  log: Logger;
  metrics?: Metrics;
  slack: SlackApi | null;
  /** Answers a question asked in a case's Slack thread (lib/slack/answer-mention.ts). */
  answerMention?: (row: OutboxRow) => Promise<void>;
  config: {
    maxAttempts: number;
    timeoutMs: number;
    baseUrl: string | null;
    slackChannel: string | null;
    slackRoutes: SlackRoute[];
  };
};

type Sent = { responseCode: number | null };

/** 5 s, 10 s, 20 s … capped at an hour, with ±20 % jitter so a recovered receiver is not hit by every row at once. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(3_600_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * How long a claimed row is kept from other workers while it is sent. Sending happens outside any
 * transaction (PGlite has one connection: a slow Slack call must not hold it), so the claim is a
 * lease, not a lock: a worker that dies mid-send leaves the row pending, due again when the lease
 * ends. Longer than any send: a few HTTP calls under NOTIFICATIONS_TIMEOUT_MS, or a chat answer.
 */
export const CLAIM_LEASE_MS = 10 * 60_000;

/**
 * The oldest due row whose channel has nothing older pending for the same case (a Slack update must
 * not overtake the post it updates), claimed in a short transaction of its own: its attempt is
 * counted and it is not due again before the lease ends. It stays pending, so later rows of its
 * case still wait for it.
 */
async function claimDue(db: Db): Promise<OutboxRow | undefined> {
  return db.transaction(async (tx) => {
    const row = await dueRow(tx);
    if (!row) return undefined;
    await tx
      .update(notificationOutbox)
      .set({ attempts: row.attempts + 1, nextAttemptAt: sql`now() + ${CLAIM_LEASE_MS} * interval '1 millisecond'`, updatedAt: sql`now()` })
      .where(eq(notificationOutbox.id, row.id));
    return row;
  });
}

async function dueRow(tx: Tx): Promise<OutboxRow | undefined> {
  const [row] = await tx
    .select()
    .from(notificationOutbox)
    .where(
      and(
        eq(notificationOutbox.status, "pending"),
        lte(notificationOutbox.nextAttemptAt, sql`now()`),
        sql`not exists (select 1 from notification_outbox p where p.status = 'pending' and p.case_id = ${notificationOutbox.caseId}
          and p.channel = ${notificationOutbox.channel} and p.endpoint_id is not distinct from ${notificationOutbox.endpointId}
          and p.seq < ${notificationOutbox.seq})`,
      ),
    )
    .orderBy(asc(notificationOutbox.nextAttemptAt), asc(notificationOutbox.seq))
    .limit(1)
    .for("update", { skipLocked: true });
  return row;
}

async function deliverSlack(ctx: DeliveryContext, row: OutboxRow): Promise<Sent> {
  const slack = ctx.slack;
  if (!slack || !ctx.config.slackChannel) throw new ServiceError("invalid_input", "Slack is no longer configured (SLACK_BOT_TOKEN, SLACK_CHANNEL)");
  if (row.event === "slack.mention") {
    if (!ctx.answerMention) throw new ServiceError("unavailable", "this process cannot answer Slack questions");
    await ctx.answerMention(row);
    return { responseCode: 200 };
  }
  const payload = row.payload as CaseEventPayload;
  const message = renderCaseMessage(payload, ctx.config.baseUrl);
  const [existing] = await ctx.db.select().from(slackMessages).where(eq(slackMessages.caseId, payload.case.id));
  if (existing) {
    try {
      await slack.updateMessage({ channel: existing.channel, ts: existing.ts, ...message });
      const reply = renderThreadReply(payload);
      if (reply) await slack.postMessage({ channel: existing.channel, threadTs: existing.ts, text: reply });
      await ctx.db.update(slackMessages).set({ updatedAt: sql`now()` }).where(eq(slackMessages.caseId, existing.caseId));
      return { responseCode: 200 };
    } catch (e) {
      // Someone deleted the message in Slack: post the case again rather than fail every later event.
      if (!(isServiceError(e) && (e.details as { slackError?: string } | undefined)?.slackError === "message_not_found")) throw e;
    }
  }
  const channel = existing?.channel ?? slackChannelFor(payload, ctx.config.slackRoutes, ctx.config.slackChannel);
  const posted = await slack.postMessage({ channel, ...message });
  const permalink = await slack.permalink(posted).catch((e: unknown) => {
    ctx.log.warn({ err: errorMessage(e), caseId: payload.case.id }, "Slack permalink lookup failed; the case page links without it");
    return null;
  });
  await ctx.db
    .insert(slackMessages)
    .values({ caseId: payload.case.id, channel: posted.channel, ts: posted.ts, permalink })
    .onConflictDoUpdate({ target: slackMessages.caseId, set: { channel: posted.channel, ts: posted.ts, permalink, updatedAt: sql`now()` } });
  return { responseCode: 200 };
}

async function deliverWebhook(ctx: DeliveryContext, row: OutboxRow): Promise<Sent> {
  const [endpoint] = row.endpointId ? await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.endpointId)) : [];
  if (!endpoint) throw new ServiceError("invalid_input", "the webhook endpoint was deleted");
  if (!endpoint.enabled) throw new ServiceError("invalid_input", "the webhook endpoint is disabled");
  const payload = row.payload as CaseEventPayload;
  const body = JSON.stringify({
    type: row.event,
    timestamp: row.createdAt.toISOString(),
    data: { ...payload, case: { ...payload.case, url: caseUrl(ctx.config.baseUrl, payload.case.id) } },
  });
  const responseCode = await sendWebhook({ url: endpoint.url, secret: endpoint.secret, messageId: row.id, body, timeoutMs: ctx.config.timeoutMs });
  return { responseCode };
}

/** Claim one due row, send it holding no transaction, then record the outcome. */
async function deliverOne(ctx: DeliveryContext): Promise<boolean> {
  const row = await claimDue(ctx.db);
  if (!row) return false;
  const started = performance.now();
  const attempts = row.attempts + 1;
  try {
    const sent = row.channel === "slack" ? await deliverSlack(ctx, row) : await deliverWebhook(ctx, row);
    const durationMs = Math.round(performance.now() - started);
    await ctx.db
      .update(notificationOutbox)
      .set({ status: "delivered", attempts, deliveredAt: sql`now()`, lastError: null, responseCode: sent.responseCode, durationMs, updatedAt: sql`now()` })
      .where(eq(notificationOutbox.id, row.id));
    ctx.metrics?.notificationsDelivered.inc({ channel: row.channel, outcome: "delivered" });
    ctx.metrics?.notificationDuration.observe({ channel: row.channel }, durationMs / 1000);
  } catch (e) {
    const durationMs = Math.round(performance.now() - started);
    const details = (isServiceError(e) ? e.details : undefined) as { retryAfterMs?: number | null; responseCode?: number } | undefined;
    const retry = queueDisposition(e) === "retry" && attempts < ctx.config.maxAttempts;
    const delayMs = details?.retryAfterMs ?? backoffMs(attempts);
    const lastError = redactText(errorMessage(e)).slice(0, 500);
    await ctx.db
      .update(notificationOutbox)
      .set({
        status: retry ? "pending" : "failed",
        attempts,
        lastError,
        responseCode: details?.responseCode ?? null,
        durationMs,
        nextAttemptAt: retry ? new Date(Date.now() + delayMs) : row.nextAttemptAt,
        updatedAt: sql`now()`,
      })
      .where(eq(notificationOutbox.id, row.id));
    ctx.metrics?.notificationsDelivered.inc({ channel: row.channel, outcome: retry ? "retry" : "failed" });
    ctx.log.warn(
      { channel: row.channel, event: row.event, caseId: row.caseId, endpointId: row.endpointId, attempts, err: lastError, ...(retry ? { retryInMs: delayMs } : {}) },
      retry ? "notification not delivered; will retry" : "notification failed for good",
    );
  }
  return true;
}

/** Send what is due, up to `limit` rows, one at a time; returns how many rows were tried. */
export async function deliverDueNotifications({ ctx, input }: { ctx: DeliveryContext; input: { limit: number } }): Promise<number> {
  let tried = 0;
  while (tried < input.limit && (await deliverOne(ctx))) tried++;
  const [pending] = await ctx.db.select({ n: count() }).from(notificationOutbox).where(eq(notificationOutbox.status, "pending"));
  ctx.metrics?.notificationsPending.set(pending?.n ?? 0);
  return tried;
}

export type DeliveryLoop = { stop(): Promise<void> };

/** Poll the outbox every `pollMs` until stopped; a failed round is logged and the next one tries again. */
export function startDeliveryLoop(ctx: DeliveryContext, pollMs: number): DeliveryLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = deliverDueNotifications({ ctx, input: { limit: 50 } })
      .then(() => undefined)
      .catch((e: unknown) => ctx.log.warn({ err: redactText(errorMessage(e)) }, "notification delivery round failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, pollMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
