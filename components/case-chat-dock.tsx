"use client";
import { useSyncExternalStore } from "react";
import { ChatPanel } from "./chat-panel";

const STORAGE_KEY = "tarka.case-chat-open";
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setStoredOpen(isOpen: boolean): void {
  sessionStorage.setItem(STORAGE_KEY, isOpen ? "1" : "0");
  for (const listener of listeners) listener();
}

/** The case chat, docked at the right edge; open or closed survives a reload of the tab. */
export function CaseChatDock({ caseId }: { caseId: string }) {
  const isOpen = useSyncExternalStore(
    subscribe,
    () => sessionStorage.getItem(STORAGE_KEY) === "1",
    () => false,
  );
  const toggle = () => setStoredOpen(!isOpen);
  return (
    <>
      <button
        type="button"
        onClick={toggle}
        aria-expanded={isOpen}
        aria-controls="case-chat"
        className="fixed bottom-4 right-4 z-30 rounded-full bg-slate-900 px-4 py-2 text-sm font-medium text-white shadow-lg dark:bg-slate-100 dark:text-slate-900"
      >
        {isOpen ? "Close chat" : "Chat"}
      </button>
      {isOpen && (
        <aside
          id="case-chat"
          aria-label="Case chat"
          className="fixed bottom-16 right-4 top-16 z-20 flex w-[min(30rem,calc(100vw-2rem))] flex-col rounded-lg border border-slate-200 bg-white p-3 shadow-xl dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 className="mb-2 text-sm font-semibold">Ask about this case</h2>
          <ChatPanel caseId={caseId} />
        </aside>
      )}
    </>
  );
}
