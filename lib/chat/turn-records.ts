import { and, count, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { chatMessages, chatThreads, chatToolCalls } from "@/lib/db/schema";
import type { ChatMode } from "@/lib/db/schema/constants";
import type { RecordedToolCall } from "./turn-transcript";

/**
 * The rows a chat turn writes, each step one statement: a turn's latency at 20 users was mostly
 * PostgreSQL round trips queued behind each other (a transaction of four became one statement).
 */

/**
 * Questions the owner asked in the last minute. Only threads touched in that minute are looked at:
 * every question bumps its thread's `updated_at`, so the owner's older threads are never scanned.
 */
export async function questionsInLastMinute(db: DbOrTx, owner: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - 60_000);
  const [row] = await db
    .select({ n: count() })
    .from(chatMessages)
    .innerJoin(chatThreads, eq(chatThreads.id, chatMessages.threadId))
    .where(and(eq(chatThreads.owner, owner), gt(chatThreads.updatedAt, since), eq(chatMessages.role, "user"), gt(chatMessages.createdAt, since)));
  return row?.n ?? 0;
}

export type NewThread = { owner: string; caseId: string | null; title: string };

/** Store a question: with its new thread, or bumping the thread it continues, in one statement. */
export async function recordQuestion(db: DbOrTx, input: { threadId: string; newThread: NewThread | null; content: string }): Promise<void> {
  const thread = db
    .$with("thread")
    .as(
      input.newThread
        ? db.insert(chatThreads).values({ id: input.threadId, ...input.newThread }).returning({ id: chatThreads.id })
        : db.update(chatThreads).set({ updatedAt: sql`now()` }).where(eq(chatThreads.id, input.threadId)).returning({ id: chatThreads.id }),
    );
  await db.with(thread).insert(chatMessages).values({ threadId: input.threadId, role: "user", content: input.content });
}

export type Answer = {
  id: string;
  threadId: string;
  content: string;
  mode: ChatMode;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  error: string | null;
  durationMs: number;
  toolCalls: RecordedToolCall[];
};

/** Store an answer with its tool calls and bump its thread, in one statement (so all or nothing). */
export async function recordAnswer(db: DbOrTx, answer: Answer): Promise<void> {
  const { toolCalls, ...message } = answer;
  const inserted = db.$with("answer").as(db.insert(chatMessages).values({ ...message, role: "assistant" }).returning({ id: chatMessages.id }));
  const calls = toolCalls.length
    ? [
        db.$with("calls").as(
          db
            .insert(chatToolCalls)
            .values(
              toolCalls.map((c, seq) => ({
                messageId: answer.id,
                seq,
                toolCallId: c.toolCallId,
                toolName: c.toolName,
                args: c.args,
                outcome: c.result.outcome,
                summary: c.result.summary,
                view: c.result.view,
                durationMs: c.result.durationMs,
                resultTokens: answer.mode === "model" ? Math.ceil(c.result.summary.length / 4) : 0,
              })),
            )
            .returning({ id: chatToolCalls.id }),
        ),
      ]
    : [];
  await db
    .with(inserted, ...calls)
    .update(chatThreads)
    .set({ updatedAt: sql`now()` })
    .where(eq(chatThreads.id, answer.threadId));
}
