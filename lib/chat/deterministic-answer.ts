import { randomUUID } from "node:crypto";
import type { ChatSubject } from "./chat-subject";
import { findTool } from "./tools";
import { asksForRerun } from "./tools/run";
import { RERUN_MAX_WINDOW_MINUTES, RERUN_MIN_WINDOW_MINUTES } from "@/lib/cases/request-rerun";
import { runTool, type ToolContext, type ToolResult } from "./tools/chat-tool";
import { describeReportSection } from "@/lib/investigate/describe-report";
import type { TurnTranscript } from "./turn-transcript";

/** What the deterministic layer understood; anything else is answered with what it can do. */
export type Intent =
  | { kind: "summary" }
  | { kind: "status" }
  | { kind: "logs"; previous: boolean; container: string | null }
  | { kind: "metric"; expression: string }
  | { kind: "changes" }
  | { kind: "next" }
  | { kind: "similar" }
  | { kind: "firing" }
  | { kind: "search"; text: string }
  | { kind: "rerun"; windowMinutes: number | null }
  | { kind: "help" };

/** Common words for the metrics an SRE asks about, as PromQL over one pod's containers. */
const metricWords: Record<string, (sel: string) => string> = {
  memory: (sel) => `container_memory_working_set_bytes{${sel}}`,
  cpu: (sel) => `rate(container_cpu_usage_seconds_total{${sel}}[5m])`,
  restarts: (sel) => `kube_pod_container_status_restarts_total{${sel}}`,
  throttling: (sel) => `rate(container_cpu_cfs_throttled_periods_total{${sel}}[5m])`,
};

/** "2h", "90 minutes", "1 day" in minutes; null when the message names no window. */
export function windowMinutesIn(message: string): number | null {
  const match = /(\d+(?:\.\d+)?)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)\b/i.exec(message);
  if (!match) return null;
  const unit = match[2].toLowerCase();
  const perUnit = unit.startsWith("d") ? 1440 : unit.startsWith("h") ? 60 : 1;
  return Math.round(Number(match[1]) * perUnit);
}

export function detectIntent(message: string): Intent {
  const m = message.trim();
  const lower = m.toLowerCase();
  if (asksForRerun(m)) return { kind: "rerun", windowMinutes: windowMinutesIn(m) };
  const show = /^(?:show|plot|graph|chart|query)\s+(?:me\s+)?(?:the\s+)?(.+)$/i.exec(m);
  if (/\blogs?\b/.test(lower)) {
    const container = /\bcontainer\s+([a-z0-9][-a-z0-9]*)/i.exec(m)?.[1] ?? null;
    return { kind: "logs", previous: /\b(previous|prev|before (the )?(last )?restart|last container|crashed)\b/.test(lower), container };
  }
  if (/\b(what|anything) changed\b|\bchanges?\b|\brollouts?\b|\bdeploy(ed|ment)?s?\b/.test(lower)) return { kind: "changes" };
  if (/\bsimilar\b|\bseen (this|it) before\b|\bhappened before\b/.test(lower)) return { kind: "similar" };
  if (/\bwhat should i (run|do|check)\b|\bnext steps?\b|\bwhat next\b|\brun next\b/.test(lower)) return { kind: "next" };
  if (/\b(firing|fires)\b|\bactive alerts?\b/.test(lower)) return { kind: "firing" };
  if (show) return { kind: "metric", expression: show[1].replace(/[?.!]+$/, "").trim() };
  if (/\b(summary|summari[sz]e|overview|tl;?dr|what happened|explain)\b/.test(lower)) return { kind: "summary" };
  if (/\b(status|state|still|healthy|how is)\b/.test(lower)) return { kind: "status" };
  const search = /^(?:find|search|which)\s+(?:cases?\s+)?(.+)$/i.exec(m);
  if (search) return { kind: "search", text: search[1] };
  return { kind: "help" };
}

const NEEDS_MODEL =
  "Free-form questions need a model: an operator can enable one with LLM_ENABLED=true (see the deployment guide). Without it I answer: summary, status, show logs [previous] [container NAME], show <metric or PromQL>, what changed, similar cases, what is firing, what should I run next, re-run with <window> (e.g. re-run with 2h window).";

function podSelector(subject: ChatSubject): string | null {
  const s = subject.scope;
  if (s.kind !== "case" || !s.namespace) return null;
  const parts = [`namespace="${s.namespace}"`];
  if (s.pod) parts.push(`pod="${s.pod}"`);
  if (s.container) parts.push(`container="${s.container}"`);
  return parts.join(",");
}

/** A bare metric name gets the case's matchers; PromQL is used as written (and scope-checked like any call). */
export function metricQuery(expression: string, subject: ChatSubject): string | null {
  const sel = podSelector(subject);
  const word = metricWords[expression.toLowerCase()];
  if (word) return sel ? word(sel) : null;
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(expression)) return sel ? `${expression}{${sel}}` : expression;
  return expression;
}

type Step = (name: string, args: Record<string, unknown>) => Promise<ToolResult>;

/**
 * Answer without a model: understand one of a few intents, call the same tools the model would
 * (shown in the thread like the model's calls), and write the answer from their results and the report.
 */
export async function answerWithoutModel(message: string, subject: ChatSubject, toolCtx: ToolContext, transcript: TurnTranscript): Promise<void> {
  const step: Step = async (name, args) => {
    const tool = findTool(name);
    if (!tool) throw new Error(`unknown tool ${name}`);
    const id = `det-${randomUUID()}`;
    transcript.toolInput(id, name, args);
    const result = await runTool(tool, toolCtx, args);
    transcript.toolOutput(id, name, args, result);
    return result;
  };
  const say = (text: string) => transcript.textDelta(text);
  const report = subject.report;
  const scope = subject.scope;
  const intent = detectIntent(message);

  switch (intent.kind) {
    case "summary": {
      if (!report) return say(subject.case ? `No report for this case yet${subject.reportError ? ` (${subject.reportError})` : ""}.` : NEEDS_MODEL);
      const top = report.analysis.hypotheses.slice(0, 3).map((h) => `- ${h.title} (${h.category}, confidence ${h.confidence})`);
      return say(
        [`**${describeReportSection(report, "verdict")}**`, "", ...report.analysis.decision.why.map((w) => `- ${w}`), ...(top.length ? ["", "Top hypotheses:", ...top] : [])].join("\n"),
      );
    }
    case "status": {
      const c = subject.case;
      if (!c) return say(NEEDS_MODEL);
      say(`The case is **${c.status}**, last seen ${c.lastSeenAt.toISOString()} (${c.runCount} investigation run${c.runCount === 1 ? "" : "s"}).`);
      if (scope.kind === "case" && scope.pod) {
        const pod = await step("get_pod", { name: scope.pod });
        say(pod.outcome === "ok" ? `\n\nNow: ${pod.summary.split("\n")[0]}` : `\n\nI could not read the pod now: ${pod.summary}`);
      }
      return;
    }
    case "logs": {
      if (scope.kind !== "case") return say(`Which pod? ${NEEDS_MODEL}`);
      if (scope.pod) {
        const result = await step("get_pod_logs", { pod: scope.pod, previous: intent.previous, tailLines: 50, ...(intent.container ? { container: intent.container } : scope.container ? { container: scope.container } : {}) });
        if (result.outcome === "ok") return say(`The last lines of ${intent.previous ? "the previous container of " : ""}${scope.pod} are above; error-looking lines are highlighted.`);
        if (!intent.previous || result.outcome === "refused") return say(`No log lines: ${result.summary}`);
      }
      const search = await step("search_logs", { minutes: 60, limit: 50, ...(scope.pod ? { pod: scope.pod } : {}) });
      return say(search.outcome === "ok" ? "Log lines from the logs backend are above." : `No log lines: ${search.summary}`);
    }
    case "metric": {
      const query = metricQuery(intent.expression, subject);
      if (!query) return say(`I cannot build a query for "${intent.expression}" without a case namespace. Give PromQL, e.g. show up{namespace="payments"}.`);
      const result = await step("query_metrics_range", { query, minutes: 60 });
      return say(result.outcome === "ok" ? `Last hour of \`${query}\`:\n\n${result.summary.split("\n").slice(1, 6).join("\n")}` : `No data: ${result.summary}`);
    }
    case "changes": {
      if (!report) return say(subject.case ? "No report for this case yet, so I have no rollout history to compare." : NEEDS_MODEL);
      const lines = [describeReportSection(report, "changes")];
      const w = report.target.workload;
      if (w && ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(w.kind)) {
        const now = await step("get_workload", { kind: w.kind, name: w.name });
        if (now.outcome === "ok") lines.push("", "Current rollout state is above.");
      }
      return say(lines.join("\n"));
    }
    case "next": {
      if (!report) return say(subject.case ? "No report for this case yet." : NEEDS_MODEL);
      const steps = report.analysis.decision.next.map((n) => `- ${n}`);
      const tests = report.analysis.hypotheses.slice(0, 3).flatMap((h) => h.nextTests.slice(0, 2).map((t) => `- ${t} (tests: ${h.title})`));
      return say(["From the report:", ...steps, ...(tests.length ? ["", "To tell the hypotheses apart:", ...tests] : [])].join("\n"));
    }
    case "similar": {
      if (!subject.case) return say(`Which case? Open one, or ask "find cases …". ${NEEDS_MODEL}`);
      const result = await step("similar_cases", {});
      return say(result.outcome === "ok" ? "Similar past cases and how they ended are above." : "No similar past cases.");
    }
    case "firing": {
      const result = await step("list_firing_alerts", {});
      return say(result.outcome === "ok" ? "Active alerts are above." : result.summary);
    }
    case "search": {
      const result = await step("search_cases", { text: intent.text, days: 30 });
      return say(result.outcome === "ok" ? "Matching cases are above." : `No case matches "${intent.text}" in the last 30 days.`);
    }
    case "rerun": {
      if (!subject.case) return say("Open the case to re-run: a re-run investigates one case again with another window.");
      if (intent.windowMinutes === null) return say("Which window? For example: re-run with 2h window (5 minutes to 24 hours).");
      if (intent.windowMinutes < RERUN_MIN_WINDOW_MINUTES || intent.windowMinutes > RERUN_MAX_WINDOW_MINUTES) {
        return say(`A re-run's window is ${RERUN_MIN_WINDOW_MINUTES} minutes to 24 hours; ${intent.windowMinutes} minutes is outside that.`);
      }
      const result = await step("rerun_investigation", { windowMinutes: intent.windowMinutes });
      return say(result.outcome === "ok" ? "Re-run queued: the new run and its report will appear on this case when it finishes." : `No re-run: ${result.summary}`);
    }
    case "help":
      return say(NEEDS_MODEL);
  }
}
