import { hostPort, kubectl, kubectlSteps, nsFlag, placeholder, podLogs, promqlSteps, sh, text } from "../commands";
import type { Features } from "../features";
import { podSelector, withMatcher } from "../promql";
import type { Hypothesis, LogMatch, Step, Target } from "../report";
import { blockerMeanings, type HypothesisCategory, UNKNOWN_NEEDS_HUMAN } from "../vocabulary";
import type { EnrichmentDraft, MetricQuery } from "./types";

export function hypothesis(h: {
  id: string;
  category: HypothesisCategory;
  title: string;
  confidence: number;
  why: string[];
  counter?: string[];
  nextTests?: string[];
}): Hypothesis {
  return {
    ...h,
    confidence: Math.max(0, Math.min(100, Math.round(h.confidence))),
    counter: h.counter ?? [],
    nextTests: h.nextTests ?? [],
  };
}

function logFinding(m: LogMatch): string {
  return `logs: ${m.title} ×${m.count}${m.detail ? ` (${m.detail})` : ""} — "${m.sample.slice(0, 160)}"`;
}

const logTitles: Partial<Record<HypothesisCategory, (m: LogMatch) => string>> = {
  dependency_unavailable: (m) => `Dependency unreachable${m.detail ? `: ${m.detail}` : ""}`,
  network: (m) => `DNS or network failure${m.detail ? ` resolving ${m.detail}` : ""}`,
  config_error: (m) => `Configuration error${m.detail ? `: ${m.detail}` : ""}`,
  permission_error: (m) => `Permission denied${m.detail ? ` on ${m.detail}` : ""}`,
  oom: () => "Process ran out of memory",
  app_crash: () => "Application panic or unhandled exception",
  cert_expiry: (m) => `TLS/certificate failure${m.detail ? ` talking to ${m.detail}` : ""}`,
  disk_full: (m) => `Disk full${m.detail ? ` writing ${m.detail}` : ""}`,
  database_slow: (m) => `Database slow or saturated (${m.title})`,
  bad_rollout: (m) => `Schema migration failed${m.detail ? `: ${m.detail}` : ""}`,
};

const logNextTests: Partial<Record<HypothesisCategory, (m: LogMatch, t: Target) => string[]>> = {
  dependency_unavailable: (m, t) =>
    m.detail
      ? [
          `Check that ${m.detail} is up and has ready endpoints: ${kubectl`${nsFlag(t.namespace)}get endpoints`.text}`,
          `From the pod's namespace: ${kubectl`${nsFlag(t.namespace)}run -it --rm nettest --image=busybox --restart=Never -- nc -zv -w 3 ${hostPort(m.detail)}`.text}`,
        ]
      : ["Find the dependency named in the log line and check that its Service has ready endpoints"],
  network: (m) => [`Check the name resolves from the cluster: ${kubectl`run -it --rm dnstest --image=busybox --restart=Never -- nslookup ${m.detail ?? placeholder("host")}`.text}`],
  config_error: (m, t) => [
    `Compare the pod's env/ConfigMap/Secret against what the app expects${m.detail ? ` (look for ${m.detail})` : ""}: ${kubectl`${nsFlag(t.namespace)}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].env}'`.text}`,
  ],
  permission_error: (m, t) => [
    `Check the ServiceAccount/RBAC or file ownership${m.detail ? ` for ${m.detail}` : ""}: ${kubectl`${nsFlag(t.namespace)}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.serviceAccountName} {.spec.securityContext}'`.text}`,
  ],
  cert_expiry: (m) => [`Check the certificate's validity: ${sh`openssl s_client -connect ${m.detail ?? placeholder("host:port")} </dev/null 2>/dev/null | openssl x509 -noout -dates`}`],
  disk_full: () => ["Check volume usage: kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes"],
};

/** Hypotheses straight from the log pattern library; confidence grows with repetition. */
export function logHypotheses(f: Features, base = 55): Hypothesis[] {
  return f.logMatches.map((m) =>
    hypothesis({
      id: `log_${m.patternId}`,
      category: m.category,
      title: (logTitles[m.category] ?? ((x: LogMatch) => x.title))(m),
      confidence: base + Math.min(20, m.count * 4),
      why: [logFinding(m)],
      nextTests: (logNextTests[m.category] ?? (() => []))(m, f.target),
    }),
  );
}

/** What the logs say when no failure pattern matched — and whether any logs were read at all. */
export function noPatternInLogs(f: Features): string {
  const l = f.evidence.logs;
  if (l.status === "ok") return `no known failure pattern in the ${l.entries.length} log line(s) read`;
  if (l.status === "empty") return "no log lines were found for this container in the window";
  return `logs were not read (${l.reason ?? "unavailable"})`;
}

/**
 * A container that is ready, not waiting and has not restarted inside the window: its last
 * termination predates the window and explains no current crash.
 */
export function isStaleTermination(f: Features): boolean {
  return !!f.evidence.k8s.pod && f.ready === true && !f.recentRestart && !f.waitingReason;
}

/** The honest fallback: what exactly is unknown, and the commands that would tell. */
export function unknownEnrichment(f: Features, queries: MetricQuery[], unknowns: string[]): EnrichmentDraft {
  const why = [...unknowns];
  if (!f.available.k8s) why.push(`unknown: Kubernetes state (${blockerMeanings.B}) — ${f.evidence.k8s.reason ?? "not read"}`);
  if (!f.available.metrics && queries.length) why.push(`unknown: metrics for the window — ${f.evidence.metrics.reason ?? f.evidence.metrics.status}`);
  if (!f.available.logs) why.push(`unknown: what the process logged — ${f.evidence.logs.reason ?? f.evidence.logs.status}`);
  if (why.length === 0) why.push("the evidence that was read shows no known failure pattern");
  const steps: Step[] = [...promqlSteps(queries), ...kubectlSteps(f.target, { previousLogs: f.restarts > 0 || !f.evidence.k8s.pod })];
  if (steps.length === 0) steps.push(text("Open the alert's generator URL and read which series fire and with which labels."));
  return { label: UNKNOWN_NEEDS_HUMAN, why, steps };
}

export function unknownHypothesis(f: Features, what: string): Hypothesis {
  return hypothesis({
    id: "unknown",
    category: "unknown",
    title: `Cause not determined: ${what}`,
    confidence: 10,
    why: [`not enough evidence about ${f.target.type === "unknown" ? "the target" : `${f.target.type} ${f.target.name}`}`],
    nextTests: kubectlSteps(f.target).map((s) => s.text),
  });
}

export function previousLogsStep(f: Features): Step[] {
  const s = podLogs(f.target, { previous: true, container: f.container?.name });
  return s ? [s] : [];
}

/** Common pod-level PromQL. */
export function podQueries(target: Target): MetricQuery[] {
  if (!target.namespace || (!target.pod && !target.workload)) return [];
  const sel = podSelector(target);
  return [
    { id: "restarts", title: "Container restarts", unit: "restarts", query: `sum(increase(kube_pod_container_status_restarts_total${sel}[10m]))` },
    { id: "ready", title: "Containers ready", unit: "containers", query: `sum(kube_pod_container_status_ready${sel})` },
    {
      id: "memory_working_set",
      title: "Memory working set",
      unit: "bytes",
      query: `max(container_memory_working_set_bytes${target.container ? sel : withMatcher(sel, 'container!=""')})`,
    },
  ];
}
