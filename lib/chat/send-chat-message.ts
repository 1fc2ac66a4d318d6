import { randomUUID } from "node:crypto";
import { and, asc, count, eq, gt, sql, sum } from "drizzle-orm";
import { createUIMessageStream, type ModelMessage, type UIMessageChunk } from "ai";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { chatMessages, chatThreads, chatToolCalls } from "@/lib/db/schema";
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
import { loadChatSubject } from "./chat-subject";
import { answerWithoutModel } from "./deterministic-answer";
import { answerWithModel } from "./model-answer";
import { buildSystemPrompt } from "./system-prompt";
import { asksForAction } from "./tools/case-memory";
import type { ToolContext } from "./tools/chat-tool";
import { asksForRerun } from "./tools/run";
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

async function assertUnderRateLimit(db: DbOrTx, owner: string, now: Date, perMinute: number): Promise<void> {
  const [row] = await db
    .select({ n: count() })
    .from(chatMessages)
    .innerJoin(chatThreads, eq(chatThreads.id, chatMessages.threadId))
    .where(and(eq(chatThreads.owner, owner), eq(chatMessages.role, "user"), gt(chatMessages.createdAt, new Date(now.getTime() - 60_000))));
  if ((row?.n ?? 0) >= perMinute) throw new ServiceError("rate_limited", `at most ${perMinute} chat messages a minute; wait a moment`);
}

async function caseTokensUsed(db: DbOrTx, caseId: string): Promise<number> {
  const [row] = await db
    .select({ n: sum(sql`${chatMessages.inputTokens} + ${chatMessages.outputTokens}`) })
    .from(chatMessages)
    .innerJoin(chatThreads, eq(chatThreads.id, chatMessages.threadId))
    .where(eq(chatThreads.caseId, caseId));
  return Number(row?.n ?? 0);
}

/** The thread the message continues: it must exist, be the actor's own, and belong to the case named (if any). */
async function ownThread(db: DbOrTx, actor: Actor, input: SendChatMessageInput & { threadId: string }) {
  const [thread] = await db.select().from(chatThreads).where(eq(chatThreads.id, input.threadId));
  if (!thread) throw new ServiceError("not_found", `no chat thread ${input.threadId}`);
  if (thread.owner !== actor.username) throw new ServiceError("forbidden", "only the person who started a thread can continue it; start your own");
  if (input.caseId && thread.caseId !== input.caseId) throw new ServiceError("invalid_input", "this thread belongs to another case");
  return thread;
}

async function createThread(db: DbOrTx, actor: Actor, message: string, caseId: string | null) {
  const title = redactText(message).replace(/\s+/g, " ").slice(0, 80);
  const [thread] = await db.insert(chatThreads).values({ owner: actor.username, caseId, title }).returning();
  return thread;
}

/**
 * One chat turn: check role, rate limit and thread ownership (errors before any byte is streamed),
 * store the question, then stream the answer as AI SDK UI message chunks — from the model with
 * scoped tools, or from the deterministic intent layer — and store it with its tool calls and usage.
 */
export async function sendChatMessage({ ctx, input }: { ctx: ChatContext; input: SendChatMessageInput }): Promise<{ threadId: string; stream: ReadableStream<UIMessageChunk> }> {
  const actor = requireRole(ctx.actor, "responder");
  // Independent reads go out together: a turn's latency is mostly PostgreSQL round trips.
  const [, existing] = await Promise.all([
    assertUnderRateLimit(ctx.db, actor.username, ctx.now, ctx.limits.ratePerMinute),
    input.threadId ? ownThread(ctx.db, actor, { ...input, threadId: input.threadId }) : null,
  ]);
  const caseId = input.caseId ?? existing?.caseId ?? null;
  const [subject, history, tokensUsed] = await Promise.all([
    loadChatSubject({ ctx, input: { caseId } }),
    existing
      ? ctx.db
          .select({ role: chatMessages.role, content: chatMessages.content })
          .from(chatMessages)
          .where(eq(chatMessages.threadId, existing.id))
          .orderBy(asc(chatMessages.createdAt))
      : [],
    ctx.chatModel && caseId ? caseTokensUsed(ctx.db, caseId) : 0,
  ]);
  const thread = existing ?? (await createThread(ctx.db, actor, input.message, caseId));
  const question = redactText(input.message);
  await ctx.db.insert(chatMessages).values({ threadId: thread.id, role: "user", content: question });

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
      const meta: ChatMessageMetadata = { threadId: thread.id, mode, model: modelId };
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
      await ctx.db.transaction(async (tx) => {
        const messageId = randomUUID();
        await Promise.all([
          tx
            .insert(chatMessages)
            .values({ id: messageId, threadId: thread.id, role: "assistant", content: redactText(transcript.finalText()), mode, model: modelId, ...usage, costUsd, error, durationMs }),
          tx.update(chatThreads).set({ updatedAt: sql`now()` }).where(eq(chatThreads.id, thread.id)),
        ]);
        if (transcript.toolCalls.length) {
          await tx.insert(chatToolCalls).values(
            transcript.toolCalls.map((c, seq) => ({
              messageId,
              seq,
              toolCallId: c.toolCallId,
              toolName: c.toolName,
              args: c.args,
              outcome: c.result.outcome,
              summary: c.result.summary,
              view: c.result.view,
              durationMs: c.result.durationMs,
              resultTokens: mode === "model" ? Math.ceil(c.result.summary.length / 4) : 0,
            })),
          );
        }
      });
      ctx.metrics.chatTurns.inc({ mode });
      for (const c of transcript.toolCalls) ctx.metrics.chatToolCalls.inc({ tool: c.toolName, outcome: c.result.outcome });
      writer.write({ type: "finish", messageMetadata: { ...meta, ...usage, costUsd, error } });
    },
    onError: (e) => {
      ctx.log.error({ err: e instanceof Error ? e.message : String(e), threadId: thread.id }, "chat turn failed");
      return "Tarka could not finish this answer; the error is in the server log.";
    },
  });
  return { threadId: thread.id, stream };
}
