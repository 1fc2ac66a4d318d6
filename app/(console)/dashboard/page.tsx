// GET /dashboard — workload now, throughput over two weeks, quality signals
import type { Metadata } from "next";
import Link from "next/link";
import { Section } from "@/components/report-sections";
import { dashboardStats } from "@/lib/cases/dashboard-stats";
import { requirePageSession } from "../session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dashboard" };

function Stat({ label, value, href }: { label: string; value: number | string; href?: string }) {
  const body = (
    <>
      <div className="text-3xl font-semibold tabular-nums">{value}</div>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
    </>
  );
  const cls = "block rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";
  return href ? (
    <Link href={href} className={`${cls} hover:border-sky-400`}>
      {body}
    </Link>
  ) : (
    <div className={cls}>{body}</div>
  );
}

function Bars({ rows, filter }: { rows: { value: string; count: number }[]; filter?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  if (rows.length === 0) return <p className="text-sm text-slate-500">Nothing open.</p>;
  return (
    <ul className="space-y-1.5 text-sm">
      {rows.map((r) => (
        <li key={r.value} className="flex items-center gap-2">
          {filter ? (
            <Link href={`/?status=open&${filter}=${encodeURIComponent(r.value)}`} className="w-40 truncate hover:underline">
              {r.value}
            </Link>
          ) : (
            <span className="w-40 truncate">{r.value}</span>
          )}
          <div className="h-2 flex-1 rounded bg-slate-200 dark:bg-slate-800">
            <div className="h-2 rounded bg-sky-500" style={{ width: `${(r.count / max) * 100}%` }} />
          </div>
          <span className="w-8 text-right tabular-nums">{r.count}</span>
        </li>
      ))}
    </ul>
  );
}

export default async function DashboardPage() {
  const { rt, session } = await requirePageSession();
  const d = await dashboardStats({ ctx: { db: rt.database.db, actor: session.actor, now: new Date() } });
  const maxRuns = Math.max(1, ...d.runsPerDay.map((r) => r.runs));
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Dashboard</h1>
      <div className="grid grid-cols-2 gap-4 md:grid-cols-4">
        <Stat label="Open" value={d.cases.open} href="/?status=open" />
        <Stat label="Snoozed" value={d.cases.snoozed} href="/?status=snoozed" />
        <Stat label="Opened in 24 h" value={d.cases.openedLastDay} />
        <Stat label="Resolved in 24 h" value={d.cases.resolvedLastDay} />
        <Stat label="Mean minutes to resolve (30 d)" value={d.meanMinutesToResolve ?? "—"} />
        <Stat label="Dead letters in 24 h" value={d.deadLettersLastDay} />
        <Stat label="Reports judged correct (30 d)" value={d.feedback.correct} />
        <Stat label="Reports judged wrong (30 d)" value={d.feedback.wrong} />
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <Section title="Open by verdict">
          <Bars rows={d.openByClassification} filter="classification" />
        </Section>
        <Section title="Open by family">
          <Bars rows={d.openByFamily} filter="family" />
        </Section>
        <Section title="Investigations per day (14 days, UTC)">
          {d.runsPerDay.length === 0 ? (
            <p className="text-sm text-slate-500">No investigations yet.</p>
          ) : (
            <svg viewBox={`0 0 ${d.runsPerDay.length * 24} 100`} className="h-32 w-full" role="img" aria-label="Investigations per day">
              {d.runsPerDay.map((r, i) => {
                const h = (r.runs / maxRuns) * 84;
                return (
                  <g key={r.day}>
                    <title>{`${r.day}: ${r.runs} runs, ${r.failed} failed`}</title>
                    <rect x={i * 24 + 3} y={88 - h} width={18} height={h} className="fill-sky-500" />
                    <text x={i * 24 + 12} y={98} textAnchor="middle" className="fill-slate-500 text-[7px]">
                      {r.day.slice(5)}
                    </text>
                  </g>
                );
              })}
            </svg>
          )}
        </Section>
        <Section title="Alerts received in 24 h">
          {d.alertsLastDay.length === 0 ? (
            <p className="text-sm text-slate-500">No alerts received.</p>
          ) : (
            <Bars rows={d.alertsLastDay.map((a) => ({ value: a.disposition, count: a.count }))} />
          )}
        </Section>
        <Section title="Noisiest open cases">
          <ul className="space-y-1 text-sm">
            {d.noisiest.map((c) => (
              <li key={c.id} className="flex gap-2">
                <Link href={`/cases/${c.id}`} className="min-w-0 flex-1 truncate hover:underline">
                  {c.title}
                </Link>
                <span className="tabular-nums text-slate-500">{c.runCount} runs</span>
              </li>
            ))}
            {d.noisiest.length === 0 && <li className="text-slate-500">None re-fired.</li>}
          </ul>
        </Section>
      </div>
    </div>
  );
}
