// GET /cases/:id — one case: verdict, report sections, runs, actions, audit trail
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/badge";
import { ActionProposals } from "@/components/action-proposals";
import { CaseActions } from "@/components/case-actions";
import { CaseChatDock } from "@/components/case-chat-dock";
import { CaseRerun } from "@/components/case-rerun";
import { SimilarCases } from "@/components/similar-cases";
import { SlackDeliveryState } from "@/components/slack-delivery";
import { formatTime } from "@/components/format";
import { ReportSections, Section } from "@/components/report-sections";
import { getCase, type CaseDetail } from "@/lib/cases/get-case";
import { getRunReport } from "@/lib/cases/get-run-report";
import { errorMessage, isServiceError } from "@/lib/errors";
import { getSlackDelivery } from "@/lib/notifications/get-slack-delivery";
import type { Report } from "@/lib/investigate/report";
import { requirePageSession } from "../../session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Case" };

function Score({ label, value }: { label: string; value: number | null }) {
  return (
    <div className="text-center">
      <div className="text-2xl font-semibold tabular-nums">{value ?? "—"}</div>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
    </div>
  );
}

function describeAudit(a: CaseDetail["audit"][number]): string {
  const after = a.after ?? {};
  if (a.action === "resolve") {
    const r = (after.resolution ?? {}) as Record<string, unknown>;
    return `resolved as ${String(r.category ?? "?")}: ${String(r.summary ?? "")}`;
  }
  if (a.action === "snooze") return `snoozed until ${formatTime(String(after.snoozedUntil))}`;
  if (a.action === "feedback") return `marked the report ${String(after.verdict)}${after.note ? `: ${String(after.note)}` : ""}`;
  if (a.action === "reopen") return "reopened the case";
  if (a.action === "unsnooze") return "ended the snooze";
  if (a.action === "rerun") return `asked for a re-run with ${String(after.windowMinutes)} minutes of look-back`;
  if (a.action === "acknowledge") return "acknowledged the case";
  if (a.action.startsWith("action.")) return `${a.action.slice("action.".length)}: ${String(after.title ?? "")} → ${String(after.status ?? "")}`;
  return a.action;
}

export default async function CasePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { rt, session } = await requirePageSession();
  const ctx = { db: rt.database.db, actor: session.actor, now: new Date() };
  let detail: CaseDetail;
  try {
    detail = await getCase({ ctx, input: { caseId: id } });
  } catch (e) {
    if (isServiceError(e) && e.code === "not_found") notFound();
    throw e;
  }
  const slack = await getSlackDelivery({ ctx, input: { caseId: detail.id } });
  let report: Report | null = null;
  let reportError: string | null = null;
  const latest = detail.runs.find((r) => r.hasReport);
  if (latest) {
    try {
      const out = await getRunReport({ ctx: { ...ctx, store: rt.store }, input: { runId: latest.id, format: "json" } });
      if (out.format === "json") report = out.report;
    } catch (e) {
      reportError = errorMessage(e);
    }
  }
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:underline">
          Inbox
        </Link>{" "}
        / case
      </nav>
      <header className="flex flex-wrap items-start gap-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <div className="min-w-0 flex-1">
          <h1 className="text-xl font-semibold">{detail.title}</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{detail.oneLiner}</p>
          <div className="mt-2 flex flex-wrap items-center gap-2 text-xs">
            <Badge value={detail.status} />
            <Badge value={detail.classification} />
            <Badge value={detail.severity} />
            <span className="font-mono text-slate-500">{detail.family}</span>
            <span className="font-mono text-slate-500">{detail.alertname}</span>
            <span className="text-slate-500" data-testid="case-source">
              from {detail.source}
            </span>
            {detail.cluster && <span className="text-slate-500">cluster {detail.cluster}</span>}
            {detail.team && <span className="text-slate-500">team {detail.team}</span>}
            <span className="text-slate-500">first seen {formatTime(detail.firstSeenAt)}</span>
            {detail.snoozedUntil && detail.status === "snoozed" && <span className="text-slate-500">snoozed until {formatTime(detail.snoozedUntil)}</span>}
            {detail.chatUsage.tokens > 0 && (
              <span className="text-slate-500" title="Model tokens and estimated cost of the chat about this case">
                chat {detail.chatUsage.tokens} tokens · ${detail.chatUsage.costUsd.toFixed(4)}
              </span>
            )}
          </div>
          {detail.resolution && detail.status === "resolved" && (
            <p className="mt-2 text-sm" data-testid="resolution">
              Resolved by {String(detail.resolution.by)}
              {detail.resolution.category ? ` (${String(detail.resolution.category)})` : ""}
              {detail.resolution.summary ? `: ${String(detail.resolution.summary)}` : ""}
              {typeof detail.resolution.postmortemUrl === "string" && (
                <>
                  {" "}
                  ·{" "}
                  <a href={detail.resolution.postmortemUrl} className="text-sky-700 hover:underline dark:text-sky-300" target="_blank" rel="noreferrer">
                    postmortem
                  </a>
                </>
              )}
            </p>
          )}
        </div>
        <div className="flex gap-6">
          <Score label="Impact" value={detail.impact} />
          <Score label="Confidence" value={detail.confidence} />
          <Score label="Noise" value={detail.noise} />
        </div>
      </header>

      <div className="grid gap-4 lg:grid-cols-[1fr_320px]">
        <div className="min-w-0 space-y-4">
          <Section title="Proposed actions" id="sec-proposals">
            <ActionProposals caseId={detail.id} namespace={detail.namespace} labels={detail.labels} />
          </Section>
          {report ? (
            <ReportSections report={report} />
          ) : (
            <Section title="Report">
              <p className="text-sm text-slate-500">{reportError ?? "No report yet: the investigation is still running or failed."}</p>
            </Section>
          )}
        </div>
        <aside className="space-y-4">
          <Section title="Actions">
            <CaseActions caseId={detail.id} status={detail.status} />
          </Section>
          <Section title="Re-run investigation" id="sec-rerun">
            <CaseRerun caseId={detail.id} />
          </Section>
          {slack && (
            <Section title="Slack" id="sec-slack">
              <SlackDeliveryState delivery={slack} />
            </Section>
          )}
          <Section title="Seen before" id="sec-seen-before">
            <SimilarCases caseId={detail.id} />
          </Section>
          <Section title="Runs">
            <ul className="space-y-2 text-sm">
              {detail.runs.map((r) => (
                <li key={r.id} className="flex items-center gap-2">
                  <span className="min-w-0 flex-1 truncate" title={r.oneLiner ?? ""}>
                    {formatTime(r.finishedAt)} <Badge value={r.classification ?? r.status} />
                    {r.trigger === "rerun" && (
                      <span className="text-xs text-slate-500">
                        {" "}
                        re-run by {r.requestedBy}, {r.timeWindow} window
                      </span>
                    )}
                  </span>
                  {r.hasReport && (
                    <a href={`/api/v1/runs/${r.id}/report?format=md`} className="text-xs text-sky-700 hover:underline dark:text-sky-300" download>
                      Markdown
                    </a>
                  )}
                </li>
              ))}
              {detail.runs.length === 0 && <li className="text-slate-500">No runs.</li>}
            </ul>
          </Section>
          <Section title="Audit trail" id="sec-audit">
            {detail.audit.length === 0 ? (
              <p className="text-sm text-slate-500">No changes yet.</p>
            ) : (
              <ol className="space-y-1.5 text-sm" data-testid="audit-trail">
                {detail.audit.map((a) => (
                  <li key={a.id}>
                    <span className="font-medium">{a.actor}</span> {describeAudit(a)}
                    <div className="text-xs text-slate-500">{formatTime(a.at)}</div>
                  </li>
                ))}
              </ol>
            )}
          </Section>
          <Section title="Labels">
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 font-mono text-xs">
              {Object.entries(detail.labels).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-500">{k}</dt>
                  <dd className="truncate">{v}</dd>
                </div>
              ))}
            </dl>
          </Section>
        </aside>
      </div>
      <CaseChatDock caseId={detail.id} />
    </div>
  );
}
