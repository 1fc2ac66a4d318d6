import type { UIMessageChunk } from "ai";
import { v5 as uuidv5 } from "uuid";
import { sendChatMessage, type ChatContext } from "@/lib/chat/send-chat-message";
import { isServiceError } from "@/lib/errors";
import { redactText } from "@/lib/redact";
import { escapeMrkdwn } from "./case-message";
import type { SlackMentionPayload } from "./receive-event";
import type { SlackApi } from "./slack-api";
import { slackActor } from "./slack-actor";

/** Slack caps a message's text at 40 000 characters; an answer this long is cut well before. */
const MAX_ANSWER_CHARS = 3_800;

async function readAnswer(stream: ReadableStream<UIMessageChunk>): Promise<string> {
  let text = "";
  let error: string | null = null;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.type === "text-delta") text += value.delta;
    if (value.type === "error") error = value.errorText;
  }
  return text.trim() || error || "Tarka had nothing to say to that.";
}

/** The UUIDv5 namespace of chat threads started from Slack threads (random, fixed once). */
const SLACK_THREADS = "5b0e7c1e-2f4a-4c39-9a57-6d0f1b3e8a21";

/** One chat thread per asker and Slack thread, so a follow-up question in Slack keeps the conversation. */
function chatThreadIdOf(channel: string, threadTs: string, username: string): string {
  return uuidv5(JSON.stringify([channel, threadTs, username]), SLACK_THREADS);
}

/**
 * A question asked with @Tarka in a case's thread: the asker is mapped to a Tarka user, and the case
 * chat engine (model with scoped tools, or the deterministic layer) answers with the same scope,
 * role check and redaction as the console; the answer is posted in the thread. Questions of one
 * person in one Slack thread form one chat thread, visible in the console.
 */
export async function answerSlackMention({
  ctx,
  input,
}: {
  ctx: Omit<ChatContext, "actor"> & { slack: SlackApi };
  input: { caseId: string | null; mention: SlackMentionPayload };
}): Promise<void> {
  const { mention } = input;
  const inThread = { channel: mention.channel, threadTs: mention.threadTs };
  if (!input.caseId) {
    await ctx.slack.postMessage({ ...inThread, text: "Ask me in the thread of a Tarka case message, so I know which case you mean." });
    return;
  }
  const actor = await slackActor({ ctx: { db: ctx.db, slack: ctx.slack }, input: { slackUserId: mention.user } });
  if (!actor) {
    await ctx.slack.postEphemeral({ ...inThread, user: mention.user, text: "Tarka could not match your Slack account to a Tarka user (by e-mail), so it cannot answer you." });
    return;
  }
  const question = mention.text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, "").trim();
  if (!question) {
    await ctx.slack.postMessage({ ...inThread, text: "Ask me something about this case, e.g. “what changed?”" });
    return;
  }
  let answer: string;
  try {
    const { stream } = await sendChatMessage({
      ctx: { ...ctx, actor },
      input: { message: question, caseId: input.caseId },
      threadKey: chatThreadIdOf(mention.channel, mention.threadTs, actor.username),
    });
    answer = await readAnswer(stream);
  } catch (e) {
    // Refusals (role, rate limit, budget) go to the asker alone; anything else is retried by the outbox.
    if (!isServiceError(e) || !["forbidden", "rate_limited", "not_found", "invalid_input"].includes(e.code)) throw e;
    await ctx.slack.postEphemeral({ ...inThread, user: mention.user, text: `Tarka did not answer: ${escapeMrkdwn(e.message)}` });
    return;
  }
  const text = escapeMrkdwn(redactText(answer));
  await ctx.slack.postMessage({ ...inThread, text: text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS)}…` : text });
}
