"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { hasRole } from "@/lib/auth/roles";
import type { DisplayStatus } from "@/lib/cases/case-state";
import { hypothesisCategories } from "@/lib/investigate/vocabulary";
import { ApiError, postCaseAction } from "./console-api";
import { useConsole } from "./console-context";

const categories = ["fixed", "mitigated", "false_positive", "expected", "duplicate", "wont_fix", "other"];
const snoozeChoices = [
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 1440, label: "1 day" },
  { minutes: 10080, label: "1 week" },
];

const input = "w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";
const button = "rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900";

/** Resolve / reopen / snooze / feedback; the server enforces roles, the UI only hides what would be refused. */
export function CaseActions({ caseId, status }: { caseId: string; status: DisplayStatus }) {
  const router = useRouter();
  const { user, csrfToken } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canAct = hasRole(user.role, "responder");

  async function run(action: string, body: unknown = {}) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await postCaseAction(csrfToken, caseId, action, body);
      setNotice(action === "feedback" ? "Thanks — feedback recorded." : null);
      router.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const submit = (action: string, toBody: (f: FormData) => unknown) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void run(action, toBody(new FormData(e.currentTarget)));
  };

  if (!canAct) {
    return <p className="text-sm text-slate-500">You have the {user.role} role: you can read this case but not change it.</p>;
  }
  return (
    <div className="space-y-4 text-sm">
      {error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      )}
      {notice && <p role="status" className="text-emerald-700 dark:text-emerald-300">{notice}</p>}
      {status === "resolved" ? (
        <button type="button" disabled={busy} onClick={() => void run("reopen")} className={button}>
          Reopen
        </button>
      ) : (
        <>
          <form aria-label="Resolve case" onSubmit={submit("resolve", (f) => ({ category: f.get("category"), summary: f.get("summary"), ...(f.get("postmortemUrl") ? { postmortemUrl: f.get("postmortemUrl") } : {}) }))} className="space-y-2">
            <h3 className="font-semibold">Resolve</h3>
            <label className="block">
              <span className="text-xs text-slate-500">Category</span>
              <select name="category" className={input} defaultValue="fixed">
                {categories.map((c) => (
                  <option key={c} value={c}>
                    {c.replace("_", " ")}
                  </option>
                ))}
              </select>
            </label>
            <label className="block">
              <span className="text-xs text-slate-500">Summary</span>
              <textarea name="summary" required rows={2} className={input} />
            </label>
            <label className="block">
              <span className="text-xs text-slate-500">Postmortem URL (optional)</span>
              <input name="postmortemUrl" type="url" className={input} />
            </label>
            <button type="submit" disabled={busy} className={button}>
              Resolve
            </button>
          </form>
          {status === "snoozed" ? (
            <button type="button" disabled={busy} onClick={() => void run("unsnooze")} className={button}>
              Unsnooze
            </button>
          ) : (
            <form aria-label="Snooze case" onSubmit={submit("snooze", (f) => ({ minutes: Number(f.get("minutes")) }))} className="flex items-end gap-2">
              <label className="block flex-1">
                <span className="text-xs text-slate-500">Snooze for</span>
                <select name="minutes" className={input} defaultValue="240">
                  {snoozeChoices.map((c) => (
                    <option key={c.minutes} value={c.minutes}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" disabled={busy} className={button}>
                Snooze
              </button>
            </form>
          )}
        </>
      )}
      <form aria-label="Report feedback" onSubmit={submit("feedback", (f) => ({ verdict: f.get("verdict"), note: f.get("note") ?? "", ...(f.get("cause") ? { cause: f.get("cause") } : {}) }))} className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800">
        <h3 className="font-semibold">Was the report right?</h3>
        <div className="flex gap-4">
          <label className="flex items-center gap-1">
            <input type="radio" name="verdict" value="correct" required /> Correct
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" name="verdict" value="wrong" /> Wrong
          </label>
        </div>
        <label className="block">
          <span className="text-xs text-slate-500">It really was (optional; later reports learn from it)</span>
          <select name="cause" className={input} defaultValue="">
            <option value="">—</option>
            {hypothesisCategories.map((c) => (
              <option key={c} value={c}>
                {c.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-xs text-slate-500">Note</span>
          <input name="note" className={input} />
        </label>
        <button type="submit" disabled={busy} className={button}>
          Send feedback
        </button>
      </form>
    </div>
  );
}
