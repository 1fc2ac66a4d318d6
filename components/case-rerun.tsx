"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, type FormEvent } from "react";
import { hasRole } from "@/lib/auth/roles";
import { Badge } from "./badge";
import { ApiError, caseKeys, caseRerunsOptions, postCaseAction } from "./console-api";
import { useConsole } from "./console-context";
import { formatTime } from "./format";

const windows = [
  { minutes: 15, label: "15 minutes" },
  { minutes: 30, label: "30 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 120, label: "2 hours" },
  { minutes: 360, label: "6 hours" },
  { minutes: 720, label: "12 hours" },
  { minutes: 1440, label: "24 hours" },
];

const button = "rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900";
const input = "w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

function windowLabel(minutes: number): string {
  return windows.find((w) => w.minutes === minutes)?.label ?? `${minutes} minutes`;
}

/** Ask for the case to be investigated again with another window, and follow the re-run until its run shows. */
export function CaseRerun({ caseId }: { caseId: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { user, csrfToken } = useConsole();
  const reruns = useQuery({
    ...caseRerunsOptions(caseId),
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "queued" || r.status === "running") ? 2_000 : false),
  });
  const ask = useMutation({
    mutationFn: (windowMinutes: number) => postCaseAction(csrfToken, caseId, "rerun", { windowMinutes }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseKeys.reruns(caseId) }),
  });
  // The page is rendered on the server: refresh it once a re-run's run exists, so the runs list and report show it.
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    const done = new Set((reruns.data ?? []).filter((r) => r.status === "succeeded").map((r) => r.id));
    if (seen.current && [...done].some((id) => !seen.current!.has(id))) router.refresh();
    if (reruns.data) seen.current = done;
  }, [reruns.data, router]);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    ask.mutate(Number(new FormData(e.currentTarget).get("windowMinutes")));
  };
  const inFlight = reruns.data?.find((r) => r.status === "queued" || r.status === "running");
  return (
    <div className="space-y-3 text-sm">
      {hasRole(user.role, "responder") ? (
        <form aria-label="Re-run investigation" onSubmit={onSubmit} className="flex items-end gap-2">
          <label className="block flex-1">
            <span className="text-xs text-slate-500">Look back</span>
            <select name="windowMinutes" className={input} defaultValue="120">
              {windows.map((w) => (
                <option key={w.minutes} value={w.minutes}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={ask.isPending || Boolean(inFlight)} className={button}>
            Re-run
          </button>
        </form>
      ) : (
        <p className="text-slate-500">Responders can re-run the investigation with another window.</p>
      )}
      {ask.error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {ask.error instanceof ApiError ? ask.error.message : String(ask.error)}
        </p>
      )}
      {reruns.data && reruns.data.length > 0 && (
        <ul className="space-y-1.5" data-testid="reruns">
          {reruns.data.slice(0, 5).map((r) => (
            <li key={r.id}>
              <Badge value={r.status} /> {windowLabel(r.windowMinutes)} · {r.requestedBy}
              {r.status === "succeeded" && r.runId && (
                <>
                  {" "}
                  ·{" "}
                  <a href={`/api/v1/runs/${r.runId}/report?format=md`} className="text-sky-700 hover:underline dark:text-sky-300" download>
                    report
                  </a>
                </>
              )}
              <div className="text-xs text-slate-500">
                {r.status === "failed" ? `failed: ${r.error ?? "unknown error"}` : r.status === "succeeded" ? `finished ${formatTime(r.finishedAt)}` : `asked ${formatTime(r.requestedAt)}`}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
