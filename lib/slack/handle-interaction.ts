import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { acknowledgeCase } from "@/lib/cases/acknowledge-case";
import { resolveCase } from "@/lib/cases/resolve-case";
import { snoozeCase } from "@/lib/cases/snooze-case";
import { errorMessage, isServiceError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { OutboundChannels } from "@/lib/notifications/case-event";
import { escapeMrkdwn, slackActionIds } from "./case-message";
import type { SlackApi } from "./slack-api";
import { slackActor } from "./slack-actor";

/** The parts of a `block_actions` interaction payload Tarka reads (Slack sends much more). */
export const slackInteractionSchema = z.object({
  type: z.string(),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  message: z.object({ ts: z.string().min(1) }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).default([]),
});
export type SlackInteraction = z.infer<typeof slackInteractionSchema>;

const SNOOZE_MINUTES = 240;

/**
 * A button pressed on a case message: the Slack user is mapped to a Tarka user by e-mail and the same
 * verb as the console's runs with that actor (role check and audit included). The outcome, refusal
 * or not, goes back to the presser alone as an ephemeral message; the message update follows from
 * the case event the verb queued. Returns that explanation.
 */
export async function handleSlackInteraction({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; slack: SlackApi; outbound: OutboundChannels; log: Logger; now: Date };
  input: SlackInteraction;
}): Promise<string | null> {
  const action = input.actions[0];
  if (input.type !== "block_actions" || !action || action.action_id === slackActionIds.open || !action.value) return null;
  const caseId = action.value;
  const reply = async (text: string) => {
    if (!input.channel) return;
    await ctx.slack
      .postEphemeral({ channel: input.channel.id, user: input.user.id, threadTs: input.message?.ts, text })
      .catch((e: unknown) => ctx.log.warn({ err: errorMessage(e) }, "could not answer a Slack button press"));
  };
  const actor = await slackActor({ ctx, input: { slackUserId: input.user.id } }).catch((e: unknown) => {
    ctx.log.warn({ err: errorMessage(e) }, "Slack user lookup failed");
    return null;
  });
  if (!actor) {
    const text = "Tarka could not match your Slack account to a Tarka user (by e-mail), so nothing was changed. Ask an admin to add your e-mail to a Tarka account.";
    await reply(text);
    return text;
  }
  const verbCtx = { db: ctx.db, actor, outbound: ctx.outbound, now: ctx.now };
  let text: string;
  try {
    if (action.action_id === slackActionIds.acknowledge) {
      await acknowledgeCase({ ctx: verbCtx, input: { caseId } });
      text = "You acknowledged the case.";
    } else if (action.action_id === slackActionIds.snooze) {
      await snoozeCase({ ctx: verbCtx, input: { caseId, snooze: { minutes: SNOOZE_MINUTES } } });
      text = "You snoozed the case for 4 hours.";
    } else if (action.action_id === slackActionIds.resolve) {
      await resolveCase({ ctx: verbCtx, input: { caseId, category: "other", summary: "resolved from Slack" } });
      text = "You resolved the case.";
    } else {
      return null;
    }
  } catch (e) {
    if (!isServiceError(e)) throw e;
    text = `Nothing was changed: ${escapeMrkdwn(e.message)}`;
  }
  await reply(text);
  return text;
}
