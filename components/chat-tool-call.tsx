import type { ToolResult, ToolView } from "@/lib/chat/tools/chat-tool";
import { SeriesChart } from "./series-chart";

const outcomeStyle: Record<string, string> = {
  ok: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200",
  empty: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
  refused: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100",
  error: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200",
  timeout: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200",
};

function ToolViewBody({ view }: { view: ToolView }) {
  if (view.kind === "series") {
    return (
      <div className="space-y-2">
        {view.series.map((s) => (
          <SeriesChart key={s.title} series={{ id: s.title, title: s.title, unit: view.unit, query: "", labels: {}, points: s.points, stats: null }} />
        ))}
      </div>
    );
  }
  if (view.kind === "table") {
    return (
      <div className="max-h-56 overflow-auto">
        <table className="w-full text-left font-mono text-[11px]">
          <thead>
            <tr>
              {view.columns.map((c) => (
                <th key={c} className="pr-2 font-medium text-slate-500">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.rows.map((r, i) => (
              <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
                {r.map((cell, j) => (
                  <td key={j} className="max-w-[16rem] truncate pr-2" title={cell}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  if (view.kind === "logs") {
    return (
      <pre className="max-h-56 overflow-auto rounded bg-slate-950 p-2 text-[11px] leading-snug text-slate-200" data-testid="chat-log-lines">
        {view.lines.map((l, i) => (
          <div key={i} className={l.isError ? "bg-red-900/60 text-red-100" : undefined} data-error={l.isError || undefined}>
            {l.timestamp ? <span className="text-slate-500">{l.timestamp.slice(11, 19)} </span> : null}
            {l.line}
          </div>
        ))}
      </pre>
    );
  }
  return <pre className="whitespace-pre-wrap text-xs">{view.text}</pre>;
}

/** One tool call as it happens: name, arguments, then outcome, duration and a compact view of the result. */
export function ChatToolCall({ name, input, output, errorText }: { name: string; input: unknown; output?: ToolResult; errorText?: string }) {
  const outcome = output?.outcome ?? (errorText ? "error" : null);
  return (
    <details className="rounded border border-slate-200 text-xs dark:border-slate-700" open={Boolean(output?.view)} data-testid="chat-tool-call">
      <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-2 py-1">
        <span className="font-mono font-medium">{name}</span>
        <span className="min-w-0 flex-1 truncate font-mono text-slate-500" title={JSON.stringify(input)}>
          {JSON.stringify(input)}
        </span>
        {outcome ? <span className={`rounded px-1.5 py-0.5 ${outcomeStyle[outcome] ?? ""}`}>{outcome}</span> : <span className="animate-pulse text-slate-500">running…</span>}
        {output && <span className="tabular-nums text-slate-500">{output.durationMs} ms</span>}
      </summary>
      <div className="space-y-2 border-t border-slate-200 p-2 dark:border-slate-700">
        {output?.view ? <ToolViewBody view={output.view} /> : <p className="whitespace-pre-wrap text-slate-600 dark:text-slate-300">{output?.summary ?? errorText ?? ""}</p>}
      </div>
    </details>
  );
}
