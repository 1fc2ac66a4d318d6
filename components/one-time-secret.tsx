"use client";
import type { ReactNode } from "react";
import { CopyButton } from "./copy-button";

/** A secret the server shows once (a new API token, a webhook signing secret), with Copy and Done. */
export function OneTimeSecret({ children, value, testId, onDone }: { children: ReactNode; value: string; testId: string; onDone: () => void }) {
  return (
    <div role="status" className="space-y-1 rounded border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950">
      <p>{children}</p>
      <div className="flex items-center gap-2">
        <code data-testid={testId} className="break-all font-mono text-xs">
          {value}
        </code>
        <CopyButton text={value} />
      </div>
      <button type="button" onClick={onDone} className="text-xs text-slate-600 underline dark:text-slate-300">
        Done
      </button>
    </div>
  );
}
