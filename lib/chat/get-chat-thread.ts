import { asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/roles";
import type { DbOrTx } from "@/lib/db/client";
import { chatMessages, chatThreads, chatToolCalls } from "@/lib/db/schema";
import type { ChatMode, ChatRole, ToolOutcome } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import type { ChatThreadSummary } from "./list-chat-threads";
import type { ToolView } from "./tools/chat-tool";

export type StoredToolCall = {
  toolCallId: string;
  toolName: string;
  args: Record<string, unknown>;
  outcome: ToolOutcome;
  summary: string;
  view: ToolView | null;
  durationMs: number;
};

export type StoredChatMessage = {
  id: string;
  role: ChatRole;
  content: string;
  mode: ChatMode | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  error: string | null;
  durationMs: number | null;
  createdAt: string;
  toolCalls: StoredToolCall[];
};

export type ChatThreadDetail = ChatThreadSummary & { canPost: boolean; messages: StoredChatMessage[] };

/** A thread with its messages and their tool calls, oldest first. Case threads are readable by every viewer; others by their owner. */
export async function getChatThread({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { threadId: string } }): Promise<ChatThreadDetail> {
  const actor = requireRole(ctx.actor, "viewer");
  if (!z.uuid().safeParse(input.threadId).success) throw new ServiceError("not_found", `no chat thread ${input.threadId}`);
  const [thread] = await ctx.db.select().from(chatThreads).where(eq(chatThreads.id, input.threadId));
  if (!thread || (!thread.caseId && thread.owner !== actor.username)) throw new ServiceError("not_found", `no chat thread ${input.threadId}`);
  const messages = await ctx.db.select().from(chatMessages).where(eq(chatMessages.threadId, thread.id)).orderBy(asc(chatMessages.createdAt));
  const calls = messages.length
    ? await ctx.db.select().from(chatToolCalls).where(inArray(chatToolCalls.messageId, messages.map((m) => m.id))).orderBy(asc(chatToolCalls.seq))
    : [];
  return {
    id: thread.id,
    owner: thread.owner,
    caseId: thread.caseId,
    title: thread.title,
    createdAt: thread.createdAt.toISOString(),
    updatedAt: thread.updatedAt.toISOString(),
    canPost: thread.owner === actor.username && hasRole(actor.role, "responder"),
    messages: messages.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      mode: m.mode,
      model: m.model,
      inputTokens: m.inputTokens,
      outputTokens: m.outputTokens,
      costUsd: m.costUsd,
      error: m.error,
      durationMs: m.durationMs,
      createdAt: m.createdAt.toISOString(),
      toolCalls: calls
        .filter((c) => c.messageId === m.id)
        .map((c) => ({ toolCallId: c.toolCallId, toolName: c.toolName, args: c.args, outcome: c.outcome, summary: c.summary, view: (c.view as ToolView | null) ?? null, durationMs: c.durationMs })),
    })),
  };
}
