import { queryOptions } from "@tanstack/react-query";
import type { UIMessage } from "ai";
import type { ChatThreadDetail, StoredChatMessage } from "@/lib/chat/get-chat-thread";
import type { ChatThreadSummary } from "@/lib/chat/list-chat-threads";
import type { ChatMessageMetadata } from "@/lib/chat/send-chat-message";
import { ApiError } from "./console-api";

export type ChatUIMessage = UIMessage<ChatMessageMetadata>;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" }, cache: "no-store" });
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? "internal", body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

export const chatKeys = {
  all: ["chat"] as const,
  threads: (caseId: string | null) => [...chatKeys.all, "threads", caseId ?? "global"] as const,
  thread: (id: string) => [...chatKeys.all, "thread", id] as const,
};

export const chatThreadsOptions = (caseId: string | null) =>
  queryOptions({
    queryKey: chatKeys.threads(caseId),
    queryFn: () => getJson<{ items: ChatThreadSummary[] }>(`/api/v1/chat/threads${caseId ? `?caseId=${caseId}` : ""}`),
  });

export const chatThreadOptions = (id: string) =>
  queryOptions({ queryKey: chatKeys.thread(id), queryFn: () => getJson<ChatThreadDetail>(`/api/v1/chat/threads/${id}`), staleTime: Infinity });

/** A stored message as the AI SDK's UI message, so a reloaded thread renders like a streamed one. */
export function toUIMessage(m: StoredChatMessage, threadId: string): ChatUIMessage {
  if (m.role === "user") return { id: m.id, role: "user", parts: [{ type: "text", text: m.content }] };
  return {
    id: m.id,
    role: "assistant",
    metadata: { threadId, mode: m.mode ?? "deterministic", model: m.model, inputTokens: m.inputTokens, outputTokens: m.outputTokens, costUsd: m.costUsd, error: m.error },
    parts: [
      ...m.toolCalls.map((c) => ({
        type: `tool-${c.toolName}` as const,
        toolCallId: c.toolCallId,
        state: "output-available" as const,
        input: c.args,
        output: { outcome: c.outcome, summary: c.summary, view: c.view, durationMs: c.durationMs },
      })),
      ...(m.content ? [{ type: "text" as const, text: m.content }] : []),
    ],
  } as ChatUIMessage;
}
