import { and, count, eq, gt, sql, type WithSubquery } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { preparedQuery } from "@/lib/db/prepared";
import { chatCaseUsage, chatMessages, chatThreads, chatToolCalls } from "@/lib/db/schema";
import type { ChatMode } from "@/lib/db/schema/constants";
import type { RecordedToolCall } from "./turn-transcript";

/**
 * The rows a chat turn writes, each step one statement: a turn's latency at 20 users was mostly
 * PostgreSQL round trips queued behind each other (a transaction of four became one statement).
 */

/**
 * Questions the owner asked in the last minute, counted up to `limit` (all the rate limit needs to
 * know), so the count costs at most `limit` rows however busy the owner is. Only threads touched in
 * that minute are looked at: every question bumps its thread's `updated_at`.
 */
export async function questionsInLastMinute(db: DbOrTx, owner: string, now: Date, limit: number): Promise<number> {
  const [row] = await questionsSince(db).execute({ owner, since: new Date(now.getTime() - 60_000).toISOString(), limit });
  return row?.n ?? 0;
}

const questionsSince = preparedQuery((db) => {
  const since = sql.placeholder("since");
  const asked = db
    .select({ one: sql`1` })
    .from(chatMessages)
    .innerJoin(chatThreads, eq(chatThreads.id, chatMessages.threadId))
    .where(and(eq(chatThreads.owner, sql.placeholder("owner")), gt(chatThreads.updatedAt, since), eq(chatMessages.role, "user"), gt(chatMessages.createdAt, since)))
    .limit(sql.placeholder("limit"))
    .as("asked");
  return db.select({ n: count() }).from(asked).prepare("chat_questions_since");
});

export type NewThread = { owner: string; caseId: string | null; title: string };

/** Store a question: with its new thread, or bumping the thread it continues, in one statement. */
export async function recordQuestion(db: DbOrTx, input: { threadId: string; newThread: NewThread | null; content: string }): Promise<void> {
  const { threadId, newThread, content } = input;
  if (newThread) await questionInNewThread(db).execute({ threadId, content, ...newThread });
  else await questionInThread(db).execute({ threadId, content });
}

/** The question's insert, after `thread` (the thread's insert or bump) in the same statement. */
function questionAfter(db: DbOrTx, thread: WithSubquery, name: string) {
  return db.with(thread).insert(chatMessages).values({ threadId: sql.placeholder("threadId"), role: "user", content: sql.placeholder("content") }).prepare(name);
}

const questionInNewThread = preparedQuery((db) => {
  const values = { id: sql.placeholder("threadId"), owner: sql.placeholder("owner"), caseId: sql.placeholder("caseId"), title: sql.placeholder("title") };
  return questionAfter(db, db.$with("thread").as(db.insert(chatThreads).values(values).returning({ id: chatThreads.id })), "chat_question_new_thread");
});

const questionInThread = preparedQuery((db) => {
  const bump = db.update(chatThreads).set({ updatedAt: sql`now()` }).where(eq(chatThreads.id, sql.placeholder("threadId"))).returning({ id: chatThreads.id });
  return questionAfter(db, db.$with("thread").as(bump), "chat_question");
});

export type Answer = {
  id: string;
  threadId: string;
  /** The thread's case, whose running usage total the answer's tokens and cost are added to. */
  caseId: string | null;
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

/** Store an answer with its tool calls, bump its thread and add its usage to the case's, in one statement (so all or nothing). */
export async function recordAnswer(db: DbOrTx, answer: Answer): Promise<void> {
  const { toolCalls, caseId, ...message } = answer;
  const tokens = answer.inputTokens + answer.outputTokens;
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
  const usage =
    caseId && (tokens > 0 || answer.costUsd > 0)
      ? [
          db.$with("usage").as(
            db
              .insert(chatCaseUsage)
              .values({ caseId, tokens, costUsd: answer.costUsd })
              .onConflictDoUpdate({
                target: chatCaseUsage.caseId,
                set: { tokens: sql`${chatCaseUsage.tokens} + excluded.tokens`, costUsd: sql`${chatCaseUsage.costUsd} + excluded.cost_usd`, updatedAt: sql`now()` },
              })
              .returning({ caseId: chatCaseUsage.caseId }),
          ),
        ]
      : [];
  await db
    .with(inserted, ...calls, ...usage)
    .update(chatThreads)
    .set({ updatedAt: sql`now()` })
    .where(eq(chatThreads.id, answer.threadId));
}
