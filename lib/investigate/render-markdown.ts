import type { CaseMemory, Finding, Report, Step } from "./report";
import { formatValue } from "./units";
import { blockerMeanings } from "./vocabulary";

const fenceLang: Record<Step["kind"], string> = { promql: "promql", kubectl: "sh", logql: "logql", text: "" };

/** Code spans/blocks must not be closed early by backticks inside the content. */
function fence(lang: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

function inline(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, " ");
}

/**
 * Text from alerts, logs, Kubernetes and models (all attacker-controlled) as literal Markdown text:
 * one line, the characters that open emphasis, code, links, HTML, entities or table cells escaped.
 */
function escapeInline(value: string): string {
  return inline(value).replace(/[\\`*_[\]<>|#!~&]/g, "\\$&");
}

/** As escapeInline, and a leading list marker too: after `- ` or at a paragraph's start it would open a list. */
function plain(value: string): string {
  return escapeInline(value)
    .replace(/^(\s*)(\d+)([.)])/, "$1$2\\$3")
    .replace(/^(\s*)([-+=])/, "$1\\$2");
}

/** An inline code span that its content cannot close or leave; in a table cell `|` must be escaped too. */
function code(value: string, options: { inTable?: boolean } = {}): string {
  const body = options.inTable ? inline(value).replace(/\|/g, "\\|") : inline(value);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || /^ .* $/.test(body) ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** Consecutive commands of one kind share a block, so a whole group copies at once. */
function renderSteps(steps: Step[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < steps.length) {
    const step = steps[i] as Step;
    if (step.kind === "text") {
      out.push(`- ${plain(step.text)}`);
      i += 1;
      continue;
    }
    const group: string[] = [];
    while (i < steps.length && (steps[i] as Step).kind === step.kind) {
      group.push((steps[i] as Step).text);
      i += 1;
    }
    out.push("", fence(fenceLang[step.kind], group.join("\n")), "");
  }
  return out;
}

function renderFinding(title: string, finding: Finding): string[] {
  return [
    `## ${title}: ${code(finding.label)}`,
    "",
    ...finding.why.map((w) => `- ${plain(w)}`),
    "",
    "**Next**",
    ...renderSteps(finding.steps),
    "",
  ];
}

/** Rows are raw text (escaped here) unless a cell is already Markdown, marked with `md()`. */
type Cell = string | { md: string };
const md = (value: string): Cell => ({ md: value });

function table(header: string[], rows: Cell[][]): string[] {
  const cell = (v: Cell) => (typeof v === "string" ? escapeInline(v) : v.md);
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

function renderEvidence(r: Report): string[] {
  const { k8s, metrics, logs, alertmanager } = r.evidence;
  const out: string[] = ["## Evidence", "", `### Kubernetes (${k8s.status})`, ""];
  if (k8s.reason) out.push(`_${plain(k8s.reason)}_`, "");
  if (k8s.pod) {
    const p = k8s.pod;
    out.push(`Pod ${code(`${p.namespace}/${p.name}`)}: phase ${plain(p.phase)}${p.nodeName ? `, node ${plain(p.nodeName)}` : ""}${p.owner ? `, owner ${plain(`${p.owner.kind}/${p.owner.name}`)}` : ""}`, "");
    out.push(
      ...table(
        ["container", "ready", "restarts", "state", "last termination", "limits"],
        p.containers.map((c) => [
          c.name,
          String(c.ready),
          String(c.restartCount),
          `${c.state}${c.waitingReason ? ` (${c.waitingReason})` : ""}`,
          c.lastTerminatedReason ? `${c.lastTerminatedReason} exit ${c.lastTerminatedExitCode ?? "?"} at ${c.lastTerminatedAt ?? "?"}` : "-",
          [c.limits.cpu && `cpu ${c.limits.cpu}`, c.limits.memory && `memory ${c.limits.memory}`].filter(Boolean).join(", ") || "none",
        ]),
      ),
      "",
    );
  }
  if (k8s.workload) {
    const w = k8s.workload;
    out.push(`${plain(w.kind)} ${code(`${w.namespace}/${w.name}`)}: desired ${w.desired}, ready ${w.ready}, updated ${w.updated}, available ${w.available}; images ${plain(w.images.join(", ") || "?")}`, "");
  }
  if (k8s.node) {
    const n = k8s.node;
    out.push(`Node ${code(n.name)}: ${plain(n.conditions.map((c) => `${c.type}=${c.status}`).join(", "))}${n.unschedulable ? ", cordoned" : ""}`, "");
  }
  if (k8s.events.length) {
    out.push(...table(["type", "reason", "count", "message"], k8s.events.slice(0, 15).map((e) => [e.type, e.reason, String(e.count), e.message.slice(0, 200)])), "");
  }
  out.push(`### Metrics (${metrics.status}${metrics.backend ? `, ${metrics.backend}` : ""})`, "");
  if (metrics.reason) out.push(`_${plain(metrics.reason)}_`, "");
  if (metrics.series.length) {
    out.push(
      ...table(
        ["series", "last", "min", "max", "avg", "threshold"],
        metrics.series.map((s) => {
          const human = (v: number | undefined) => (v === undefined ? "?" : formatValue(v, s.unit));
          return [s.title, human(s.stats?.last), human(s.stats?.min), human(s.stats?.max), human(s.stats?.avg), s.threshold === undefined ? "-" : human(s.threshold)];
        }),
      ),
      "",
    );
  }
  out.push(`### Logs (${logs.status}${logs.backend ? `, ${logs.backend}` : ""})`, "");
  if (logs.reason) out.push(`_${plain(logs.reason)}_`, "");
  if (logs.query) out.push(fence("", logs.query), "");
  if (logs.matches.length) {
    out.push(...table(["pattern", "count", "detail", "sample"], logs.matches.map((m) => [m.title, String(m.count), m.detail ?? "-", m.sample.slice(0, 160)])), "");
  }
  if (logs.entries.length) {
    const excerpt = logs.entries.slice(-20).map((e) => `${e.timestamp ? `${e.timestamp} ` : ""}${e.line}`);
    out.push(fence("text", excerpt.join("\n")), "");
  }
  out.push(`### Alertmanager (${alertmanager.status})`, "");
  if (alertmanager.reason) out.push(`_${plain(alertmanager.reason)}_`, "");
  else out.push(`other active alerts with this name: ${alertmanager.similarActive ?? "?"}; silenced: ${alertmanager.silenced ?? "?"}; inhibited: ${alertmanager.inhibited ?? "?"}`, "");
  out.push("### Queries", "");
  if (r.queries.length === 0) out.push("_no provider was called_", "");
  else {
    out.push(
      ...table(
        ["provider", "outcome", "ms", "query"],
        r.queries.map((q) => {
          const detail = q.error ?? q.reason;
          return [q.provider, detail ? `${q.outcome}: ${detail}` : q.outcome, String(q.durationMs), md(code(q.query, { inTable: true }))];
        }),
      ),
      "",
    );
  }
  return out;
}

function renderMemory(memory: CaseMemory): string[] {
  const out = ["## Seen before", ""];
  if (memory.similar.length === 0) return [...out, "_no similar past case_", ""];
  for (const s of memory.similar) {
    const ended = s.resolution ? `resolved ${s.resolution.category}: ${s.resolution.summary}` : s.status;
    const feedback = s.feedback ? `; report judged ${s.feedback.verdict}${s.feedback.cause ? ` (was ${s.feedback.cause})` : ""}` : "";
    out.push(`- ${plain(s.title)} — ${s.match.replace("_", " ")}, last seen ${s.lastSeenAt}; ${plain(ended)}${plain(feedback)} (case ${s.caseId})`);
  }
  out.push("");
  if (memory.adjustments.length) out.push("**Adjusted by past cases**", "", ...memory.adjustments.map((m) => `- ${code(m.hypothesisId)}: ${plain(m.reason)}`), "");
  return out;
}

/** The report as Markdown for people: verdict first, then why, then copy/paste-ready next steps. */
export function renderMarkdown(report: Report): string {
  const { analysis: a, target: t } = report;
  const where = t.name ? `${t.namespace ? `${t.namespace}/` : ""}${t.name}` : "unknown target";
  const lines: string[] = [
    `# ${plain(report.alert.alertname)} — ${plain(where)} (${report.family})`,
    "",
    `> ${plain(a.verdict.oneLiner)}`,
    "",
    `Window ${report.timeWindow.start} → ${report.timeWindow.end} (${report.timeWindow.duration}); generated ${report.generatedAt} in ${report.durationMs} ms.`,
    "",
  ];
  lines.push(...renderFinding("Triage", a.decision));
  if (a.blockers.length) {
    lines.push("**Blocked by**", "", ...a.blockers.map((b) => `- ${b}: ${blockerMeanings[b]}`), "");
  }
  lines.push(...renderFinding("Enrichment", a.enrichment));
  if (a.llm?.status === "ok") {
    lines.push(`## Model's reading (${plain(a.llm.model)}, from the evidence below)`, "", plain(a.llm.narrative), "");
    a.llm.nextSteps.forEach((s, i) => lines.push(`${i + 1}. ${plain(s.step)}${s.why ? ` — ${plain(s.why)}` : ""}`));
    lines.push("");
  } else if (a.llm?.status === "failed") {
    lines.push(`_No model narrative: ${plain(a.llm.reason)}_`, "");
  }
  lines.push("## Likely causes", "");
  a.hypotheses.forEach((h, i) => {
    lines.push(`${i + 1}. **${plain(h.title)}** — ${code(h.category)}, ${h.confidence}%`);
    for (const w of h.why) lines.push(`   - ${plain(w)}`);
    for (const c of h.counter) lines.push(`   - against: ${plain(c)}`);
    if (h.nextTests.length) lines.push("", fence("", h.nextTests.join("\n")).replace(/^/gm, "   "), "");
  });
  if (a.memory) lines.push("", ...renderMemory(a.memory));
  lines.push("", "## Verdict", "", `- classification: ${code(a.verdict.classification)}`, `- primary driver: ${code(a.verdict.primaryDriver)}`, `- ${plain(a.verdict.oneLiner)}`);
  if (a.changes.status === "ok") lines.push(`- changes: ${plain(a.changes.summary)}`);
  lines.push("", "## Scores", "", `impact **${a.scores.impact}**, confidence **${a.scores.confidence}**, noise **${a.scores.noise}**`, "");
  lines.push(...table(["code", "dimension", "delta", "why"], a.scores.reasonCodes.map((c) => [c.code, c.dimension, c.delta > 0 ? `+${c.delta}` : String(c.delta), c.why])), "");
  lines.push("## Noise", "");
  lines.push(
    `- flapping: ${a.noise.flapping === null ? "unknown" : a.noise.flapping ? `yes (${a.noise.flaps} re-fires)` : "no"}`,
    `- firing for ${a.noise.firingMinutes} min`,
    `- silenced or inhibited: ${a.noise.silencedOrInhibited ?? "unknown"}`,
    ...a.noise.notes.map((n) => `- ${plain(n)}`),
    "",
  );
  lines.push(...renderEvidence(report));
  return `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
