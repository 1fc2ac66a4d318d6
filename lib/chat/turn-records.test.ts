import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { caseChatUsage } from "@/lib/cases/chat-usage";
import { chatCaseUsage, chatMessages, chatThreads, chatToolCalls } from "@/lib/db/schema";
import { seedCase } from "@/test/helpers/cases";
import { bothDatabases } from "@/test/helpers/database";
import { questionsInLastMinute, recordAnswer, recordQuestion, type Answer } from "./turn-records";

const databases = bothDatabases("turn-records");

function answerOf(threadId: string, toolCalls: Answer["toolCalls"], caseId: string | null = null): Answer {
  return { id: randomUUID(), threadId, caseId, content: "the answer", mode: "model", model: "fake-1", inputTokens: 10, outputTokens: 20, costUsd: 0.001, error: null, durationMs: 42, toolCalls };
}

const call = (toolCallId: string) => ({
  toolCallId,
  toolName: "get_report_section",
  args: { section: "verdict" },
  result: { outcome: "ok" as const, summary: "verdict: OOMKilled", view: null, durationMs: 3 },
});

describe.each([
  ["PostgreSQL", () => databases.postgres().db],
  ["PGlite", () => databases.pglite().db],
])("chat turn records (%s)", (_name, dbOf) => {
  it("stores a new thread with its question, then the answer with its tool calls, each in one statement", async () => {
    const db = dbOf();
    const owner = `user-${randomUUID()}`;
    const threadId = randomUUID();
    await recordQuestion(db, { threadId, newThread: { owner, caseId: null, title: "why?" }, content: "why?" });
    const [thread] = await db.select().from(chatThreads).where(eq(chatThreads.id, threadId));
    expect(thread).toMatchObject({ owner, title: "why?", caseId: null });

    const answer = answerOf(threadId, [call("c1"), call("c2")]);
    await recordAnswer(db, answer);
    const messages = await db.select().from(chatMessages).where(eq(chatMessages.threadId, threadId)).orderBy(asc(chatMessages.createdAt));
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ["user", "why?"],
      ["assistant", "the answer"],
    ]);
    expect(messages[1]).toMatchObject({ id: answer.id, mode: "model", inputTokens: 10, outputTokens: 20, durationMs: 42 });
    const calls = await db.select().from(chatToolCalls).where(eq(chatToolCalls.messageId, answer.id)).orderBy(asc(chatToolCalls.seq));
    expect(calls.map((c) => [c.seq, c.toolCallId, c.resultTokens])).toEqual([
      [0, "c1", 5],
      [1, "c2", 5],
    ]);
    const [after] = await db.select().from(chatThreads).where(eq(chatThreads.id, threadId));
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(thread.updatedAt.getTime());
    expect(await questionsInLastMinute(db, owner, new Date(), 12)).toBe(1);
  });

  it("stores nothing of an answer when one of its tool calls cannot be stored, and leaves the thread as it was", async () => {
    const db = dbOf();
    const threadId = randomUUID();
    await recordQuestion(db, { threadId, newThread: { owner: "sam", caseId: null, title: "q" }, content: "q" });
    const hourAgo = new Date(Date.now() - 3_600_000);
    await db.update(chatThreads).set({ updatedAt: hourAgo }).where(eq(chatThreads.id, threadId));
    const broken = answerOf(threadId, [call("c1"), { ...call("c2"), toolCallId: null as unknown as string }]);
    await expect(recordAnswer(db, broken)).rejects.toThrow();
    expect(await db.select().from(chatMessages).where(eq(chatMessages.id, broken.id))).toEqual([]);
    expect(await db.select().from(chatToolCalls).where(eq(chatToolCalls.messageId, broken.id))).toEqual([]);
    const [thread] = await db.select().from(chatThreads).where(eq(chatThreads.id, threadId));
    expect(thread.updatedAt.getTime()).toBe(hourAgo.getTime());
  });

  it("continuing an old thread bumps it, so the question counts against the owner's minute", async () => {
    const db = dbOf();
    const owner = `user-${randomUUID()}`;
    const threadId = randomUUID();
    await recordQuestion(db, { threadId, newThread: { owner, caseId: null, title: "q" }, content: "q" });
    const hourAgo = new Date(Date.now() - 3_600_000);
    await db.update(chatThreads).set({ updatedAt: hourAgo }).where(eq(chatThreads.id, threadId));
    await db.update(chatMessages).set({ createdAt: hourAgo }).where(eq(chatMessages.threadId, threadId));
    expect(await questionsInLastMinute(db, owner, new Date(), 12)).toBe(0);
    await recordQuestion(db, { threadId, newThread: null, content: "again" });
    expect(await questionsInLastMinute(db, owner, new Date(), 12)).toBe(1);
  });

  it("counts the owner's questions only up to the limit asked about", async () => {
    const db = dbOf();
    const owner = `user-${randomUUID()}`;
    for (let i = 0; i < 5; i++) await recordQuestion(db, { threadId: randomUUID(), newThread: { owner, caseId: null, title: "q" }, content: `q${i}` });
    expect(await questionsInLastMinute(db, owner, new Date(), 100)).toBe(5);
    expect(await questionsInLastMinute(db, owner, new Date(), 3)).toBe(3);
  });

  it("adds each model answer's tokens and cost to its case's running total, and nothing for a deterministic one", async () => {
    const db = dbOf();
    const { case: { id: caseId } } = await seedCase(db);
    expect(await caseChatUsage(db, caseId)).toEqual({ tokens: 0, costUsd: 0 });
    for (let i = 0; i < 3; i++) {
      const threadId = randomUUID();
      await recordQuestion(db, { threadId, newThread: { owner: "sam", caseId, title: "q" }, content: "q" });
      await recordAnswer(db, answerOf(threadId, [], caseId));
    }
    const deterministicThread = randomUUID();
    await recordQuestion(db, { threadId: deterministicThread, newThread: { owner: "sam", caseId, title: "q" }, content: "q" });
    await recordAnswer(db, { ...answerOf(deterministicThread, [], caseId), mode: "deterministic", model: null, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    const usage = await caseChatUsage(db, caseId);
    expect(usage.tokens).toBe(90);
    expect(usage.costUsd).toBeCloseTo(0.003, 9);
    // A failed answer adds nothing: the total moves with the message or not at all.
    const threadId = randomUUID();
    await recordQuestion(db, { threadId, newThread: { owner: "sam", caseId, title: "q" }, content: "q" });
    await expect(recordAnswer(db, answerOf(threadId, [{ ...call("c1"), toolCallId: null as unknown as string }], caseId))).rejects.toThrow();
    expect((await caseChatUsage(db, caseId)).tokens).toBe(90);
    expect(await db.select().from(chatCaseUsage).where(eq(chatCaseUsage.caseId, caseId))).toHaveLength(1);
  });
});
