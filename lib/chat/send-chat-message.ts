import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { createUIMessageStream, type ModelMessage, type UIMessageChunk } from "ai";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import { caseChatUsage } from "@/lib/cases/chat-usage";
import type { DbOrTx } from "@/lib/db/client";
import { describeDbError } from "@/lib/db/describe-db-error";
import { chatMessages, chatThreads } from "@/lib/db/schema";
import type { ChatMode } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import type { Providers } from "@/lib/investigate/providers/types";
import { recordLlmUsage } from "@/lib/llm/cost";
import type { ChatModel } from "@/lib/llm/model";
import type { Logger } from "@/lib/log";
import type { Metrics } from "@/lib/metrics";
import type { JobQueue } from "@/lib/queue/types";
import { redactText } from "@/lib/redact";
import type { ReportStore } from "@/lib/storage/types";
import { loadChatSubject, type ChatSubject } from "./chat-subject";
import { answerWithoutModel } from "./deterministic-answer";
import { answerWithModel } from "./model-answer";
import { buildSystemPrompt } from "./system-prompt";
import { asksForAction } from "./tools/case-memory";
import type { ToolContext } from "./tools/chat-tool";
import { asksForRerun } from "./tools/run";
import { questionsInLastMinute, recordAnswer, recordQuestion } from "./turn-records";
import { TurnTranscript } from "./turn-transcript";

export const sendChatMessageInputSchema = z.object({
  message: z.string().trim().min(1, { message: "say something" }).max(4_000),
  caseId: z.uuid().optional(),
  threadId: z.uuid().optional(),
});
export type SendChatMessageInput = z.infer<typeof sendChatMessageInputSchema>;

export type ChatLimits = { ratePerMinute: number; caseTokenBudget: number; maxToolCalls: number };

export type ChatContext = {
  db: DbOrTx;
  store: ReportStore;
  queue: JobQueue;
  providers: Providers;
  metrics: Metrics;
  log: Logger;
  actor: Actor;
  now: Date;
  chatModel: ChatModel | null;
  limits: ChatLimits;
};

/** Sent with the first and last chunk of every answer, so the console knows the thread and the cost. */
export type ChatMessageMetadata = { threadId: string; mode: ChatMode; model: string | null; inputTokens?: number; outputTokens?: number; costUsd?: number; error?: string | null };

const HISTORY_MESSAGES = 20;

/**
 * The thread the message continues: it must be the actor's own and belong to the case named (if any).
 * A thread named by the caller must exist; a keyed one (`threadKey`) may not exist yet (null).
 */
async function ownThread(db: DbOrTx, actor: Actor, input: Pick<SendChatMessageInput, "caseId"> & { threadId: string; mayBeNew: boolean }) {
  const [thread] = await db.select().from(chatThreads).where(eq(chatThreads.id, input.threadId));
  if (!thread && input.mayBeNew) return null;
  if (!thread) throw new ServiceError("not_found", `no chat thread ${input.threadId}`);
  if (thread.owner !== actor.username) throw new ServiceError("forbidden", "only the person who started a thread can continue it; start your own");
  if (input.caseId && thread.caseId !== input.caseId) throw new ServiceError("invalid_input", "this thread belongs to another case");
  return thread;
}

/** The case (with its report and scope) and the model tokens its threads have used. */
async function loadCase(ctx: ChatContext, caseId: string | null): Promise<{ subject: ChatSubject; tokensUsed: number }> {
  const [subject, tokensUsed] = await Promise.all([
    loadChatSubject({ ctx, input: { caseId } }),
    ctx.chatModel && caseId ? caseChatUsage(ctx.db, caseId).then((u) => u.tokens) : 0,
  ]);
  return { subject, tokensUsed };
}

/**
 * One chat turn: check role, rate limit and thread ownership (errors before any byte is streamed),
 * store the question, then stream the answer as AI SDK UI message chunks — from the model with
 * scoped tools, or from the deterministic intent layer — and store it with its tool calls and usage.
 */
export async function sendChatMessage({
  ctx,
  input,
  threadKey,
}: {
  ctx: ChatContext;
  input: SendChatMessageInput;
  /** For callers that key threads elsewhere (a Slack thread): continue the thread with this id, or start it. */
  threadKey?: string;
}): Promise<{ threadId: string; stream: ReadableStream<UIMessageChunk> }> {
  const actor = requireRole(ctx.actor, "responder");
  const continued = input.threadId ?? threadKey;
  // Every read goes out at once: a turn's latency is mostly PostgreSQL round trips. Only a thread
  // continued without its case named must be read before its case.
  const caseKnown = input.caseId !== undefined || continued === undefined;
  const [asked, existing, history, known] = await Promise.all([
    questionsInLastMinute(ctx.db, actor.username, ctx.now, ctx.limits.ratePerMinute),
    continued ? ownThread(ctx.db, actor, { caseId: input.caseId, threadId: continued, mayBeNew: !input.threadId }) : null,
    continued
      ? ctx.db
          .select({ role: chatMessages.role, content: chatMessages.content })
          .from(chatMessages)
          .where(eq(chatMessages.threadId, continued))
          .orderBy(asc(chatMessages.createdAt))
      : [],
    caseKnown ? loadCase(ctx, input.caseId ?? null) : null,
  ]);
  if (asked >= ctx.limits.ratePerMinute) throw new ServiceError("rate_limited", `at most ${ctx.limits.ratePerMinute} chat messages a minute; wait a moment`);
  const caseId = input.caseId ?? existing?.caseId ?? null;
  const { subject, tokensUsed } = known ?? (await loadCase(ctx, caseId));
  const threadId = existing?.id ?? threadKey ?? randomUUID();
  const question = redactText(input.message);
  const newThread = existing ? null : { owner: actor.username, caseId, title: question.replace(/\s+/g, " ").slice(0, 80) };
  await recordQuestion(ctx.db, { threadId, newThread, content: question });

  let mode: ChatMode = ctx.chatModel ? "model" : "deterministic";
  let notice: string | null = null;
  if (ctx.chatModel && caseId && tokensUsed >= ctx.limits.caseTokenBudget) {
    mode = "deterministic";
    notice = `This case has used its model budget of ${ctx.limits.caseTokenBudget} tokens (CHAT_CASE_TOKEN_BUDGET), so this answer comes from the deterministic layer.\n\n`;
  }
  const toolCtx: ToolContext = { db: ctx.db, queue: ctx.queue, actor, providers: ctx.providers, scope: subject.scope, report: subject.report, now: ctx.now };
  const started = performance.now();

  const stream = createUIMessageStream({
    execute: async ({ writer }) => {
      const modelId = mode === "model" ? (ctx.chatModel?.modelId ?? null) : null;
      const meta: ChatMessageMetadata = { threadId, mode, model: modelId };
      writer.write({ type: "start", messageMetadata: meta });
      const transcript = new TurnTranscript(writer);
      let usage = { inputTokens: 0, outputTokens: 0 };
      let error: string | null = null;
      if (notice) transcript.textDelta(notice);
      if (mode === "model" && ctx.chatModel) {
        const messages: ModelMessage[] = [
          ...history.slice(-HISTORY_MESSAGES).map((m) => ({ role: m.role, content: redactText(m.content) }) as ModelMessage),
          { role: "user", content: question },
        ];
        const answer = await answerWithModel({
          chatModel: ctx.chatModel,
          system: buildSystemPrompt(subject, ctx.now),
          messages,
          scope: subject.scope,
          toolCtx,
          maxToolCalls: ctx.limits.maxToolCalls,
          mayPropose: asksForAction(input.message),
          mayRerun: asksForRerun(input.message),
          transcript,
        });
        usage = { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens };
        error = answer.error;
        ctx.metrics.llmCalls.inc({ purpose: "chat", outcome: error ? (/did not answer within/.test(error) ? "timeout" : "error") : "ok" });
      } else {
        await answerWithoutModel(input.message, subject, toolCtx, transcript);
      }
      const costUsd = ctx.chatModel && mode === "model" ? recordLlmUsage(ctx.metrics, ctx.chatModel.price, usage) : 0;
      const durationMs = Math.round(performance.now() - started);
      await recordAnswer(ctx.db, {
        id: randomUUID(),
        threadId,
        caseId,
        content: redactText(transcript.finalText()),
        mode,
        model: modelId,
        ...usage,
        costUsd,
        error,
        durationMs,
        toolCalls: transcript.toolCalls,
      });
      ctx.metrics.chatTurns.inc({ mode });
      for (const c of transcript.toolCalls) ctx.metrics.chatToolCalls.inc({ tool: c.toolName, outcome: c.result.outcome });
      writer.write({ type: "finish", messageMetadata: { ...meta, ...usage, costUsd, error } });
    },
    onError: (e) => {
      ctx.log.error({ err: describeDbError(e), threadId }, "chat turn failed");
      return "Tarka could not finish this answer; the error is in the server log.";
    },
  });
  return { threadId, stream };
}
