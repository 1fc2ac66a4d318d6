import type { Report } from "./report";

export const reportSections = ["verdict", "decision", "hypotheses", "changes", "noise", "kubernetes", "metrics", "logs", "queries"] as const;
export type ReportSection = (typeof reportSections)[number];

/** One section of a report as plain text: what the investigation gathered, for chat and for the model. */
export function describeReportSection(report: Report, section: ReportSection): string {
  const a = report.analysis;
  const ev = report.evidence;
  switch (section) {
    case "verdict":
      return `${a.verdict.classification}: ${a.verdict.oneLiner} (primary driver: ${a.verdict.primaryDriver}; impact ${a.scores.impact}, confidence ${a.scores.confidence}, noise ${a.scores.noise})`;
    case "decision":
      return [`decision: ${a.decision.label}`, ...a.decision.why.map((w) => `- ${w}`), "next:", ...a.decision.next.map((n) => `- ${n}`), `enrichment: ${a.enrichment.label}`, ...a.enrichment.why.map((w) => `- ${w}`)].join("\n");
    case "hypotheses":
      return a.hypotheses.length
        ? a.hypotheses.map((h) => `${h.title} [${h.category}, confidence ${h.confidence}]\n  why: ${h.why.join("; ")}\n  against: ${h.counter.join("; ") || "—"}\n  next tests: ${h.nextTests.join("; ") || "—"}`).join("\n")
        : "no hypotheses";
    case "changes":
      return [a.changes.summary, ...a.changes.revisions.map((r) => `revision ${r.revision} at ${r.createdAt}: ${r.images.join(", ")}`)].join("\n");
    case "noise":
      return [`firing ${a.noise.firingMinutes} min, flaps ${a.noise.flaps ?? "?"}, similar active ${a.noise.similarActive ?? "?"}`, ...a.noise.notes].join("\n");
    case "kubernetes": {
      if (ev.k8s.status !== "ok") return `Kubernetes evidence ${ev.k8s.status}${ev.k8s.reason ? `: ${ev.k8s.reason}` : ""}`;
      const pod = ev.k8s.pod;
      const lines = pod ? [`pod ${pod.namespace}/${pod.name} ${pod.phase}`, ...pod.containers.map((c) => `  ${c.name}: ${c.state} ${c.waitingReason ?? ""} restarts ${c.restartCount} last ${c.lastTerminatedReason ?? "-"}`)] : [];
      return [...lines, ...ev.k8s.events.slice(0, 15).map((e) => `event ${e.type} ${e.reason} x${e.count}: ${e.message}`)].join("\n") || "no Kubernetes facts";
    }
    case "metrics":
      return ev.metrics.series.map((s) => `${s.title} (${s.query}): ${s.stats ? `first ${s.stats.first}, last ${s.stats.last}, max ${s.stats.max}` : "no samples"}`).join("\n") || `metrics ${ev.metrics.status}`;
    case "logs":
      return [`logs ${ev.logs.status}${ev.logs.reason ? `: ${ev.logs.reason}` : ""}`, ...ev.logs.matches.map((m) => `${m.title} x${m.count}: ${m.sample}`), ...ev.logs.entries.slice(-20).map((e) => e.line)].join("\n");
    case "queries":
      return report.queries.map((q) => `${q.provider} ${q.outcome} ${q.durationMs}ms: ${q.query}`).join("\n");
  }
}
