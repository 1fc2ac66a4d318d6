import type { SlackMentionPayload } from "@/lib/slack/receive-event";
import type { Runtime } from "@/lib/runtime";
import type { DeliveryContext } from "./deliver-notifications";

/** The delivery loop's context for a process: its Slack client, and the case chat for questions asked in Slack. */
export function deliveryContext(rt: Runtime): DeliveryContext {
  const { env } = rt;
  const slack = rt.slack;
  return {
    db: rt.database.db,
    log: rt.log.child({ component: "notifications" }),
    metrics: rt.metrics,
    slack,
    answerMention: slack
      ? async (row) => {
          // The chat engine (and the AI SDK under it) is loaded on the first question, not by every worker.
          const { answerSlackMention } = await import("@/lib/slack/answer-mention");
          await answerSlackMention({
            ctx: {
              db: rt.database.db,
              store: rt.store,
              queue: rt.queue,
              providers: rt.providers,
              metrics: rt.metrics,
              log: rt.log,
              now: new Date(),
              chatModel: rt.chatModel,
              limits: { ratePerMinute: env.CHAT_RATE_LIMIT_PER_MINUTE, caseTokenBudget: env.CHAT_CASE_TOKEN_BUDGET, maxToolCalls: env.CHAT_MAX_TOOL_CALLS },
              slack,
            },
            input: { caseId: row.caseId, mention: row.payload as SlackMentionPayload },
          });
        }
      : undefined,
    config: {
      maxAttempts: env.NOTIFICATIONS_MAX_ATTEMPTS,
      timeoutMs: env.NOTIFICATIONS_TIMEOUT_MS,
      baseUrl: env.AUTH_PUBLIC_BASE_URL ?? null,
      slackChannel: env.SLACK_CHANNEL ?? null,
      slackRoutes: env.SLACK_ROUTES,
    },
  };
}
