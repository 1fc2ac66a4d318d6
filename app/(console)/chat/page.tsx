// GET /chat — chat across cases
import type { Metadata } from "next";
import { ChatPanel } from "@/components/chat-panel";
import { requirePageSession } from "../session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Chat" };

export default async function ChatPage() {
  const { rt } = await requirePageSession();
  const model = rt.chatModel;
  return (
    <div className="flex h-[calc(100vh-7rem)] flex-col gap-3">
      <div>
        <h1 className="text-xl font-semibold">Chat</h1>
        <p className="text-sm text-slate-500" data-testid="chat-mode">
          {model
            ? `Across cases, with ${model.modelId} (${model.provider}). Every tool call is shown; nothing in the cluster is changed.`
            : "Across cases, without a model: ask what is firing or search cases (find cases …). A free-form question needs LLM_ENABLED=true."}
        </p>
      </div>
      <div className="min-h-0 flex-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <ChatPanel caseId={null} />
      </div>
    </div>
  );
}
