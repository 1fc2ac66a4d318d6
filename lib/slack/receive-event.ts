import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { notificationOutbox, slackMessages } from "@/lib/db/schema";

/** The Events API envelopes Tarka answers: the URL check, and `app_mention` callbacks. */
export const slackEventEnvelopeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("url_verification"), challenge: z.string().min(1).max(200) }),
  z.object({
    type: z.literal("event_callback"),
    event_id: z.string().min(1).max(100),
    event: z.looseObject({ type: z.string(), user: z.string().optional(), text: z.string().max(40_000).optional(), channel: z.string().optional(), ts: z.string().optional(), thread_ts: z.string().optional() }),
  }),
]);
export type SlackEventEnvelope = z.infer<typeof slackEventEnvelopeSchema>;

/** What the delivery loop needs to answer a mention. */
export type SlackMentionPayload = { channel: string; threadTs: string; user: string; text: string };

/**
 * Take one Events API callback: an `app_mention` is queued in the outbox (answered in its thread by
 * the worker, so Slack gets its 200 within 3 s); Slack's retries of the same event id are dropped
 * by the outbox's dedupe key. Returns whether a new answer was queued.
 */
export async function receiveSlackEvent({ ctx, input }: { ctx: { db: DbOrTx }; input: Extract<SlackEventEnvelope, { type: "event_callback" }> }): Promise<boolean> {
  const e = input.event;
  if (e.type !== "app_mention" || !e.user || !e.channel || !e.ts) return false;
  const threadTs = e.thread_ts ?? e.ts;
  const [message] = await ctx.db
    .select({ caseId: slackMessages.caseId })
    .from(slackMessages)
    .where(and(eq(slackMessages.channel, e.channel), eq(slackMessages.ts, threadTs)));
  const payload: SlackMentionPayload = { channel: e.channel, threadTs, user: e.user, text: e.text ?? "" };
  const inserted = await ctx.db
    .insert(notificationOutbox)
    .values({ channel: "slack", caseId: message?.caseId ?? null, event: "slack.mention", payload, dedupeKey: `slack-event:${input.event_id}` })
    .onConflictDoNothing()
    .returning({ id: notificationOutbox.id });
  return inserted.length > 0;
}
