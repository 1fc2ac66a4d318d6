import { and, desc, eq, ne } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { notificationOutbox, slackMessages } from "@/lib/db/schema";
import type { NotificationStatus } from "@/lib/db/schema/constants";

/** What the case page says about Slack: the message (with its link) and the latest delivery's state. */
export type SlackDelivery = {
  message: { channel: string; ts: string; permalink: string | null; postedAt: string; updatedAt: string } | null;
  latest: {
    event: string;
    status: NotificationStatus;
    attempts: number;
    nextAttemptAt: string | null;
    lastError: string | null;
    at: string;
  } | null;
};

/** Null when nothing about this case was ever queued for Slack. Any signed-in user may read it, like the case itself. */
export async function getSlackDelivery({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { caseId: string } }): Promise<SlackDelivery | null> {
  const [message] = await ctx.db.select().from(slackMessages).where(eq(slackMessages.caseId, input.caseId));
  const [latest] = await ctx.db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.caseId, input.caseId), eq(notificationOutbox.channel, "slack"), ne(notificationOutbox.event, "slack.mention")))
    .orderBy(desc(notificationOutbox.seq))
    .limit(1);
  if (!message && !latest) return null;
  return {
    message: message
      ? { channel: message.channel, ts: message.ts, permalink: message.permalink, postedAt: message.createdAt.toISOString(), updatedAt: message.updatedAt.toISOString() }
      : null,
    latest: latest
      ? {
          event: latest.event,
          status: latest.status,
          attempts: latest.attempts,
          nextAttemptAt: latest.status === "pending" ? latest.nextAttemptAt.toISOString() : null,
          lastError: latest.lastError,
          at: (latest.deliveredAt ?? latest.updatedAt).toISOString(),
        }
      : null,
  };
}
