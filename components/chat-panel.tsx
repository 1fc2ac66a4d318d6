"use client";
import { useChat } from "@ai-sdk/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { DefaultChatTransport } from "ai";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { CSRF_HEADER } from "@/lib/auth/csrf-header";
import { hasRole } from "@/lib/auth/roles";
import type { ToolResult } from "@/lib/chat/tools/chat-tool";
import { chatKeys, chatThreadOptions, chatThreadsOptions, toUIMessage, type ChatUIMessage } from "./chat-api";
import { ChatToolCall } from "./chat-tool-call";
import { useConsole } from "./console-context";

const suggestions = {
  case: ["summary", "status", "show logs previous", "show memory", "what changed", "what should I run next?"],
  global: ["what is firing?", "find cases oom"],
};

/** The transport's error text is the API's JSON error body; show its message. */
function errorText(e: Error): string {
  try {
    const body = JSON.parse(e.message) as { error?: { message?: string } };
    return body.error?.message ?? e.message;
  } catch {
    return e.message;
  }
}

function MessageView({ message }: { message: ChatUIMessage }) {
  const meta = message.metadata;
  const isUser = message.role === "user";
  return (
    <li className={isUser ? "ml-8 rounded-lg bg-sky-50 p-2 dark:bg-sky-950/50" : "space-y-2"} data-testid={isUser ? "chat-question" : "chat-answer"}>
      {message.parts.map((part, i) => {
        if (part.type === "text") return <div key={i} className="whitespace-pre-wrap text-sm">{part.text}</div>;
        if (part.type.startsWith("tool-") && "toolCallId" in part) {
          const p = part as { type: string; input?: unknown; state: string; output?: unknown; errorText?: string };
          return (
            <ChatToolCall
              key={i}
              name={p.type.slice("tool-".length)}
              input={p.input ?? {}}
              output={p.state === "output-available" ? (p.output as ToolResult) : undefined}
              errorText={p.state === "output-error" ? p.errorText : undefined}
            />
          );
        }
        return null;
      })}
      {!isUser && meta?.mode && (
        <div className="text-[11px] text-slate-500" data-testid="chat-answer-meta">
          {meta.mode === "model" ? `${meta.model ?? "model"}` : "deterministic (no model)"}
          {meta.mode === "model" && meta.inputTokens !== undefined && ` · ${meta.inputTokens + (meta.outputTokens ?? 0)} tokens · $${(meta.costUsd ?? 0).toFixed(4)}`}
        </div>
      )}
    </li>
  );
}

function Conversation({
  caseId,
  threadId,
  initial,
  canPost,
  onCreated,
}: {
  caseId: string | null;
  threadId: string | null;
  initial: ChatUIMessage[];
  canPost: boolean;
  onCreated: (id: string) => void;
}) {
  const { csrfToken } = useConsole();
  const queryClient = useQueryClient();
  const threadRef = useRef(threadId);
  const [draft, setDraft] = useState("");
  const [transport] = useState(
    // eslint-disable-next-line react-hooks/refs -- threadRef is read when a message is sent, never while rendering
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/api/v1/chat",
        headers: { [CSRF_HEADER]: csrfToken },
        prepareSendMessagesRequest: ({ messages }) => {
          const last = messages[messages.length - 1];
          const message = last.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
          return { body: { message, ...(caseId ? { caseId } : {}), ...(threadRef.current ? { threadId: threadRef.current } : {}) } };
        },
      }),
  );
  const { messages, sendMessage, status, error } = useChat<ChatUIMessage>({
    id: threadId ?? undefined,
    messages: initial,
    transport,
    onFinish: ({ message }) => {
      const id = message.metadata?.threadId;
      if (id && !threadRef.current) {
        threadRef.current = id;
        onCreated(id);
      }
      if (id) void queryClient.invalidateQueries({ queryKey: chatKeys.thread(id) });
      void queryClient.invalidateQueries({ queryKey: chatKeys.threads(caseId) });
    },
  });
  const busy = status === "submitted" || status === "streaming";
  const endRef = useRef<HTMLDivElement>(null);
  // Braces: Chromium's scrollIntoView returns a promise, which React would take for a cleanup function.
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "nearest" });
  }, [messages]);

  const send = (text: string) => {
    if (!text.trim() || busy) return;
    void sendMessage({ text: text.trim() });
    setDraft("");
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send(draft);
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-2">
      <ol className="min-h-0 flex-1 space-y-3 overflow-y-auto pr-1" aria-label="Chat messages" aria-live="polite">
        {messages.map((m) => (
          <MessageView key={m.id} message={m} />
        ))}
        {messages.length === 0 && <li className="text-sm text-slate-500">No messages yet.</li>}
        <div ref={endRef} />
      </ol>
      {error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {errorText(error)}
        </p>
      )}
      {canPost && (
        <>
          <div className="flex flex-wrap gap-1">
            {suggestions[caseId ? "case" : "global"].map((s) => (
              <button key={s} type="button" disabled={busy} onClick={() => send(s)} className="rounded-full border border-slate-300 px-2 py-0.5 text-xs text-slate-600 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800">
                {s}
              </button>
            ))}
          </div>
          <form onSubmit={submit} className="flex gap-2">
            <textarea
              aria-label="Ask Tarka"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  send(draft);
                }
              }}
              rows={2}
              maxLength={4000}
              placeholder={caseId ? "Ask about this case…" : "Ask across cases…"}
              className="min-w-0 flex-1 resize-none rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
            />
            <button type="submit" disabled={busy || !draft.trim()} className="self-end rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900">
              {busy ? "…" : "Send"}
            </button>
          </form>
        </>
      )}
    </div>
  );
}

function StoredConversation(props: { caseId: string | null; threadId: string; onCreated: (id: string) => void }) {
  const { user } = useConsole();
  const detail = useQuery(chatThreadOptions(props.threadId));
  if (detail.isPending) return <p className="text-sm text-slate-500">Loading the thread…</p>;
  if (detail.isError) return <p role="alert" className="text-sm text-red-700">{detail.error.message}</p>;
  const thread = detail.data;
  return (
    <>
      {!thread.canPost && hasRole(user.role, "responder") && <p className="text-xs text-slate-500">Started by {thread.owner}: start a new thread to ask your own questions.</p>}
      <Conversation caseId={props.caseId} threadId={thread.id} initial={thread.messages.map((m) => toUIMessage(m, thread.id))} canPost={thread.canPost} onCreated={props.onCreated} />
    </>
  );
}

/** Chat about one case (caseId) or across cases (null): thread list, the selected thread, and the input for responders. */
export function ChatPanel({ caseId }: { caseId: string | null }) {
  const { user } = useConsole();
  const canChat = hasRole(user.role, "responder");
  const threads = useQuery(chatThreadsOptions(caseId));
  // A new thread keeps its streaming conversation mounted after the server names it (isNew stays true).
  const [view, setView] = useState<{ session: number; threadId: string | null; isNew: boolean } | null>(null);

  // Open the newest thread (the caller's own first) once the list arrives; set while rendering, so the
  // first paint with the list already shows it.
  const items = threads.data?.items;
  if (!view && items) {
    const latest = items.find((t) => t.owner === user.username) ?? items[0];
    setView({ session: 1, threadId: latest?.id ?? null, isNew: !latest });
  }

  const open = (threadId: string | null) => setView((v) => ({ session: (v?.session ?? 0) + 1, threadId, isNew: threadId === null }));
  const created = (id: string) => setView((v) => (v ? { ...v, threadId: id } : v));

  return (
    <div className="flex h-full min-h-0 flex-col gap-2" data-testid="chat-panel">
      <div className="flex items-center gap-2">
        <select
          aria-label="Thread"
          className="min-w-0 flex-1 rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
          value={view?.threadId ?? ""}
          onChange={(e) => open(e.target.value || null)}
        >
          {canChat && <option value="">New thread</option>}
          {!canChat && !items?.length && <option value="">No threads yet</option>}
          {items?.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title} · {t.owner}
            </option>
          ))}
        </select>
        {canChat && (
          <button type="button" onClick={() => open(null)} className="rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700">
            New
          </button>
        )}
      </div>
      {!canChat && <p className="text-xs text-slate-500">You have the {user.role} role: you can read these threads but not chat.</p>}
      {view &&
        (view.threadId && !view.isNew ? (
          <StoredConversation key={view.session} caseId={caseId} threadId={view.threadId} onCreated={created} />
        ) : (
          <Conversation key={view.session} caseId={caseId} threadId={null} initial={[]} canPost={canChat} onCreated={created} />
        ))}
    </div>
  );
}
