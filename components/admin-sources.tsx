"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { SourceSummary } from "@/lib/sources/list-sources";
import { adminButton, adminErrorBox, adminInput, adminRequest } from "./admin-api";
import { useConsole } from "./console-context";

type TestResult = { received: number; enqueued: number; ignored: boolean; skipped: Record<string, number> };

/** One source: its address, labels and mapping, and a test delivery signed as its sender would sign it. */
function SourceRow({ source }: { source: SourceSummary }) {
  const { csrfToken } = useConsole();
  const [payload, setPayload] = useState(source.samplePayload);
  const send = useMutation({
    mutationFn: () => adminRequest<TestResult>(csrfToken, "POST", `/api/v1/sources/${encodeURIComponent(source.id)}/test`, { payload }),
  });
  return (
    <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900" aria-label={`Source ${source.id}`}>
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <strong>{source.id}</strong>
        <span className="text-slate-500">{source.preset}</span>
        <code className="font-mono text-xs">POST {source.path}</code>
        {Object.entries(source.labels).map(([k, v]) => (
          <code key={k} className="font-mono text-xs text-slate-500">
            {k}={v}
          </code>
        ))}
      </div>
      {source.mapping && (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 font-mono text-xs">
          {Object.entries(source.mapping).map(([field, expression]) => (
            <div key={field} className="contents">
              <dt className="text-slate-500">{field}</dt>
              <dd className="break-all">{expression}</dd>
            </div>
          ))}
        </dl>
      )}
      <label className="block">
        <span className="block text-xs text-slate-500">Test payload (signed with the source&apos;s secret on the server)</span>
        <textarea value={payload} onChange={(e) => setPayload(e.target.value)} rows={6} spellCheck={false} className={`${adminInput} w-full font-mono text-xs`} />
      </label>
      <div className="flex items-center gap-3">
        <button type="button" disabled={send.isPending} onClick={() => send.mutate()} className={adminButton}>
          Send test payload
        </button>
        {send.isSuccess && (
          <span role="status" className="text-emerald-700 dark:text-emerald-300">
            {send.data.ignored
              ? "Accepted, but not an alert for this source (ignored)."
              : `Accepted: ${send.data.received} received, ${send.data.enqueued} queued for investigation.`}
          </span>
        )}
      </div>
      {send.isError && (
        <p role="alert" className={adminErrorBox}>
          {send.error.message}
        </p>
      )}
    </li>
  );
}

/** Alert sources from HTTP_SOURCES_FILE (read-only here: the file is the configuration). */
export function AdminSources({ sources }: { sources: SourceSummary[] }) {
  return (
    <section aria-labelledby="sources-heading" className="space-y-3">
      <h2 id="sources-heading" className="text-lg font-semibold">
        Alert sources
      </h2>
      {sources.length === 0 ? (
        <p className="text-sm text-slate-500">
          No alert sources besides Alertmanager. List Grafana, PagerDuty, Jira or generic signed sources in the file named by{" "}
          <code>HTTP_SOURCES_FILE</code>.
        </p>
      ) : (
        <ul className="space-y-3">
          {sources.map((s) => (
            <SourceRow key={s.id} source={s} />
          ))}
        </ul>
      )}
    </section>
  );
}
