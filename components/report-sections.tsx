import type { ReactNode } from "react";
import { logPatternIdOf } from "@/lib/investigate/log-patterns";
import type { Finding, LogMatch, LogsEvidence, Report, Step } from "@/lib/investigate/report";
import { CopyButton } from "./copy-button";
import { SeriesChart } from "./series-chart";

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h2 id={id} className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-500">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Steps({ steps }: { steps: Step[] }) {
  return (
    <ol className="space-y-1.5">
      {steps.map((s, i) => (
        <li key={i} className="flex items-start gap-2">
          {s.kind === "text" ? (
            <span className="text-sm">{s.text}</span>
          ) : (
            <>
              <span className="mt-0.5 w-14 shrink-0 text-xs uppercase text-slate-500">{s.kind}</span>
              <code className="min-w-0 flex-1 overflow-x-auto whitespace-pre rounded bg-slate-100 px-2 py-1 font-mono text-xs dark:bg-slate-800">{s.text}</code>
              <CopyButton text={s.text} />
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

function FindingBody({ finding }: { finding: Finding }) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div>
        <h3 className="mb-1 text-xs font-semibold text-slate-500">Why</h3>
        <ul className="list-disc space-y-1 pl-5 text-sm">
          {finding.why.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      </div>
      <div>
        <h3 className="mb-1 text-xs font-semibold text-slate-500">Next</h3>
        {finding.steps?.length ? (
          <Steps steps={finding.steps} />
        ) : (
          <ul className="list-disc space-y-1 pl-5 text-sm">
            {finding.next.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** The report's sections in reading order: triage, causes, enrichment, evidence, queries. */
export function ReportSections({ report }: { report: Report }) {
  const { analysis, evidence } = report;
  const k8s = evidence.k8s;
  return (
    <div className="space-y-4">
      <Section title="Triage" id="sec-triage">
        <p className="mb-3 text-sm text-slate-500">
          Decision: <span className="font-mono">{analysis.decision.label}</span>
          {analysis.blockers.length > 0 && <> · blockers {analysis.blockers.join(", ")}</>}
        </p>
        <FindingBody finding={analysis.decision} />
      </Section>

      <Section title="Likely causes" id="sec-causes">
        {analysis.hypotheses.length === 0 ? (
          <p className="text-sm text-slate-500">No hypothesis stood out.</p>
        ) : (
          <ul className="space-y-3">
            {analysis.hypotheses.map((h) => (
              <li key={h.id}>
                <div className="flex items-center gap-3">
                  <span className="min-w-0 flex-1 text-sm font-medium">{h.title}</span>
                  <span className="shrink-0 text-xs text-slate-500">{h.category}</span>
                  <div className="h-2 w-24 shrink-0 rounded bg-slate-200 sm:w-40 dark:bg-slate-800" role="meter" aria-label={`${h.title} confidence`} aria-valuenow={h.confidence} aria-valuemin={0} aria-valuemax={100}>
                    <div className="h-2 rounded bg-sky-500" style={{ width: `${h.confidence}%` }} />
                  </div>
                  <span className="w-10 shrink-0 text-right text-xs tabular-nums">{h.confidence}%</span>
                </div>
                {h.why.length > 0 && <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{h.why.join(" · ")}</p>}
                {h.counter.length > 0 && <p className="text-xs text-slate-500">Against: {h.counter.join(" · ")}</p>}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Enrichment" id="sec-enrichment">
        <p className="mb-3 font-mono text-sm">{analysis.enrichment.label}</p>
        <FindingBody finding={analysis.enrichment} />
        {analysis.changes && <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Changes: {analysis.changes.summary}</p>}
      </Section>

      {analysis.llm && (
        <Section title="Model's reading" id="sec-llm">
          {analysis.llm.status === "ok" ? (
            <div className="space-y-2 text-sm">
              <p>{analysis.llm.narrative}</p>
              <ol className="list-decimal space-y-1 pl-5">
                {analysis.llm.nextSteps.map((s, i) => (
                  <li key={i}>
                    {s.step}
                    {s.why && <span className="text-slate-500"> — {s.why}</span>}
                  </li>
                ))}
              </ol>
              <p className="text-xs text-slate-500">
                {analysis.llm.model}, from this report&apos;s evidence only · {analysis.llm.inputTokens + analysis.llm.outputTokens} tokens · ${analysis.llm.costUsd.toFixed(4)}
              </p>
            </div>
          ) : (
            <p className="text-sm text-slate-500">No model narrative: {analysis.llm.reason}</p>
          )}
        </Section>
      )}

      <Section title="Evidence — metrics" id="sec-metrics">
        {evidence.metrics.series.length === 0 ? (
          <p className="text-sm text-slate-500">
            Metrics {evidence.metrics.status}
            {evidence.metrics.reason ? `: ${evidence.metrics.reason}` : ""}.
          </p>
        ) : (
          <div className="grid gap-4 md:grid-cols-2">
            {evidence.metrics.series.map((s) => (
              <SeriesChart key={s.id} series={s} />
            ))}
          </div>
        )}
      </Section>

      <Section title="Kubernetes" id="sec-k8s">
        {k8s.status !== "ok" ? (
          <p className="text-sm text-slate-500">
            Kubernetes {k8s.status}
            {k8s.reason ? `: ${k8s.reason}` : ""}.
          </p>
        ) : (
          <div className="space-y-2 text-sm">
            {k8s.pod && (
              <p>
                Pod <span className="font-mono">{k8s.pod.namespace}/{k8s.pod.name}</span> — {k8s.pod.phase}
                {k8s.pod.nodeName && <> on {k8s.pod.nodeName}</>}
                {k8s.pod.owner && <> · owned by {k8s.pod.owner.kind}/{k8s.pod.owner.name}</>}
              </p>
            )}
            {k8s.pod?.containers.map((c) => (
              <p key={c.name} className="font-mono text-xs">
                {c.name}: {c.state}
                {c.waitingReason && ` (${c.waitingReason})`} · restarts {c.restartCount}
                {c.lastTerminatedReason && ` · last exit ${c.lastTerminatedReason} ${c.lastTerminatedExitCode ?? ""}`}
                {c.limits.memory && ` · mem limit ${c.limits.memory}`}
                {c.limits.cpu && ` · cpu limit ${c.limits.cpu}`}
              </p>
            ))}
            {k8s.workload && (
              <p>
                {k8s.workload.kind} <span className="font-mono">{k8s.workload.name}</span>: {k8s.workload.ready}/{k8s.workload.desired} ready, {k8s.workload.updated} updated
              </p>
            )}
            {k8s.events.length > 0 && (
              <ul className="space-y-0.5 font-mono text-xs">
                {k8s.events.slice(0, 10).map((e, i) => (
                  <li key={i}>
                    {e.type} {e.reason} ×{e.count}: {e.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </Section>

      <Section title="Logs" id="sec-logs">
        {evidence.logs.matches.length > 0 && (
          <ul className="mb-2 space-y-1 text-sm">
            {evidence.logs.matches.map((m) => (
              <li key={m.patternId}>
                <span className="font-medium">{m.title}</span> ×{m.count} <span className="text-xs text-slate-500">({m.category})</span>
              </li>
            ))}
          </ul>
        )}
        {evidence.logs.entries.length === 0 ? (
          <p className="text-sm text-slate-500">
            Logs {evidence.logs.status}
            {evidence.logs.reason ? `: ${evidence.logs.reason}` : ""}.
          </p>
        ) : (
          <ol aria-label="Log excerpt" className="max-h-72 overflow-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-950">
            {logExcerpt(evidence.logs).map(({ entry, match }, i) => (
              <li
                key={i}
                data-matched={match ? "true" : undefined}
                title={match?.title}
                className={`whitespace-pre-wrap break-all ${match ? "-mx-2 border-l-2 border-rose-500 bg-rose-100 px-2 text-rose-950 dark:bg-rose-950/60 dark:text-rose-100" : ""}`}
              >
                <span className="text-slate-500">{entry.timestamp}</span> {entry.line}
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section title="Queries" id="sec-queries">
        <ul className="space-y-1 text-xs">
          {report.queries.map((q, i) => (
            <li key={i} className="flex items-start gap-2">
              <span className="w-20 shrink-0 text-slate-500">{q.provider}</span>
              <span className={`w-14 shrink-0 ${q.outcome === "ok" ? "text-emerald-600" : "text-amber-600"}`} title={q.reason ?? q.error}>
                {q.outcome === "not_run" ? "not run" : q.outcome}
              </span>
              {q.link ? (
                <a href={q.link} target="_blank" rel="noreferrer" className="min-w-0 flex-1 truncate font-mono text-sky-700 hover:underline dark:text-sky-300">
                  {q.query}
                </a>
              ) : (
                <span className="min-w-0 flex-1 truncate font-mono">{q.query}</span>
              )}
              <span className="tabular-nums text-slate-500">{Math.round(q.durationMs)} ms</span>
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}

const EXCERPT_LINES = 50;

/** Up to 50 lines in log order, the ones that matched a failure pattern kept first when there are more. */
function logExcerpt(logs: LogsEvidence): Array<{ entry: LogsEvidence["entries"][number]; match: LogMatch | undefined }> {
  const byPattern = new Map(logs.matches.map((m) => [m.patternId, m]));
  const tagged = logs.entries.map((entry) => ({ entry, match: byPattern.get(logPatternIdOf(entry.line) ?? "") }));
  if (tagged.length <= EXCERPT_LINES) return tagged;
  const keep = new Set(tagged.flatMap((t, i) => (t.match ? [i] : [])).slice(0, EXCERPT_LINES));
  for (let i = 0; keep.size < EXCERPT_LINES; i++) keep.add(i);
  return tagged.filter((_, i) => keep.has(i));
}
