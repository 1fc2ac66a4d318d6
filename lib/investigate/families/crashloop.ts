import { hostPort, kubectl, nsFlag, placeholder, promql, text, workloadRef } from "../commands";
import { type Features, formatBytes, logMatch, stat } from "../features";
import { podSelector, withMatcher } from "../promql";
import type { LogMatch, Target } from "../report";
import { type Finding, findingsModule } from "./findings";
import { isStaleTermination, logHypotheses, noPatternInLogs, podQueries, previousLogsStep } from "./shared";
import type { MetricQuery } from "./types";

const startupExitCodes = new Set([1, 2, 78, 126, 127, 128]);

function queries(target: Target): MetricQuery[] {
  const base = podQueries(target);
  if (!target.namespace) return base;
  return [
    ...base,
    {
      id: "memory_limit",
      title: "Memory limit",
      unit: "bytes",
      query: `max(kube_pod_container_resource_limits${withMatcher(podSelector(target), 'resource="memory"')})`,
    },
  ];
}

export function isOomTermination(f: Features): boolean {
  return f.lastTerminatedReason === "OOMKilled" || (f.lastExitCode === 137 && !f.probe.liveness && !!logMatch(f, "oom"));
}

/**
 * Without Kubernetes the termination reason is unknown; a working set at the limit while the
 * container restarts is still strong circumstantial evidence of OOM kills, and is said to be so.
 */
function oomInferredFromMetrics(f: Features): { peak: number; limit: number } | null {
  if (f.evidence.k8s.pod) return null;
  const peak = stat(f, "memory_working_set")?.max;
  const limit = f.memoryLimitBytes ?? stat(f, "memory_limit")?.last;
  const restarts = stat(f, "restarts")?.max ?? 0;
  if (!peak || !limit || restarts <= 0 || peak / limit < 0.9) return null;
  return { peak, limit };
}

function memoryNote(f: Features): string[] {
  const peak = stat(f, "memory_working_set")?.max;
  if (!f.memoryLimitBytes) return [];
  return [`memory limit ${formatBytes(f.memoryLimitBytes)}${peak ? `, peak working set ${formatBytes(peak)} (${Math.round((peak / f.memoryLimitBytes) * 100)}%)` : ""}`];
}

function logFindingOf(f: Features, m: LogMatch): Pick<Finding, "id" | "category" | "title" | "confidence"> {
  const h = logHypotheses(f, 55).find((x) => x.id === `log_${m.patternId}`);
  return { id: `log_${m.patternId}`, category: m.category, title: h?.title ?? m.title, confidence: h?.confidence ?? 55 };
}

/**
 * What a crashing container's last words say, strongest first: the termination reason (OOMKilled),
 * the kubelet's probe events, memory at the limit, then the log lines (configuration, dependency,
 * application failure), and a rollout just before. Shared by crash loops and unhealthy pods.
 */
export function crashFindings(f: Features, qs: MetricQuery[]): Finding[] {
  if (isStaleTermination(f)) return [];
  const c = f.container;
  const ns = nsFlag(f.target.namespace);
  const ref = f.evidence.k8s.workload ? workloadRef(f.evidence.k8s.workload) : null;
  const sel = podSelector(f.target);
  const memory = promql(`max_over_time(container_memory_working_set_bytes${f.target.container ? sel : withMatcher(sel, 'container!=""')}[1h])`);
  const out: Finding[] = [];
  const oom = isOomTermination(f);
  if (oom) {
    out.push({
      label: "suspected_oom_crash",
      id: "oom_kill",
      category: "oom",
      title: "Container is killed for exceeding its memory limit",
      confidence: f.lastTerminatedReason === "OOMKilled" ? 90 : 70,
      why: [`container ${c?.name ?? "?"} last terminated with ${f.lastTerminatedReason ?? "SIGKILL"} (exit ${f.lastExitCode ?? "?"})`, ...memoryNote(f)],
      counter: f.memoryLimitBytes ? [] : ["no memory limit is known for the container"],
      steps: [
        memory,
        ...previousLogsStep(f),
        ...(ref ? [text(`If usage is legitimately this high, raise the limit: ${kubectl`${ns}set resources ${ref} -c ${c?.name ?? placeholder("container")} --limits=memory=<new>`.text}`)] : []),
      ],
    });
  }
  const probe = f.probe.liveness ?? f.probe.startup;
  if (probe) {
    out.push({
      label: "suspected_liveness_probe_failure",
      id: "liveness_probe",
      category: "probe_failure",
      title: "Liveness/startup probe failures restart the container",
      confidence: oom ? 40 : 75,
      why: [`event: ${probe}`, `last exit ${f.lastExitCode ?? "?"}: the kubelet kills the container when liveness fails`],
      ...(oom ? { counter: [`the last termination was ${f.lastTerminatedReason ?? "an OOM kill"}, not a probe kill`] } : {}),
      steps: [
        kubectl`${ns}get pod ${f.target.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].livenessProbe}'`,
        ...previousLogsStep(f),
        text("Check whether the probe's timeout/initialDelay fits the app's start-up and whether the endpoint depends on a slow dependency."),
      ],
    });
  }
  const cfg = logMatch(f, "config_error", "permission_error");
  const dep = logMatch(f, "dependency_unavailable", "network");
  const inferred = oomInferredFromMetrics(f);
  if (inferred) {
    out.push({
      label: "suspected_oom_crash",
      id: "oom_kill_inferred",
      category: "oom",
      title: "Container is probably killed for exceeding its memory limit",
      // Log lines naming a configuration or dependency failure explain the restarts better than memory does.
      confidence: cfg || dep ? 50 : 60,
      why: [
        `working set peaked at ${formatBytes(inferred.peak)}, ${Math.round((inferred.peak / inferred.limit) * 100)}% of the ${formatBytes(inferred.limit)} memory limit, while the container restarted`,
        "inferred from metrics only: the termination reason (OOMKilled, exit 137) was not seen because Kubernetes context is missing",
      ],
      counter: ["the termination reason was not seen (no Kubernetes context); exit 137 / OOMKilled would confirm it"],
      steps: [
        kubectl`${ns}get pod ${f.target.pod ?? placeholder("pod")} -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}'`,
        memory,
        ...previousLogsStep(f),
      ],
    });
  }
  const cfgEvent = f.waitingReason === "CreateContainerConfigError" ? (f.container?.waitingMessage ?? f.waitingReason) : null;
  if (cfg || cfgEvent) {
    out.push({
      label: "suspected_config_or_permission_error",
      ...(cfg ? logFindingOf(f, cfg) : { category: "config_error" as const, title: "The container's configuration cannot be created", confidence: 75 }),
      why: [cfg ? `logs: ${cfg.title}${cfg.detail ? ` (${cfg.detail})` : ""}: "${cfg.sample.slice(0, 160)}"` : `container waiting: ${cfgEvent}`],
      steps: [kubectl`${ns}get pod ${f.target.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].env}'`, kubectl`${ns}get configmap,secret`, ...previousLogsStep(f)],
    });
  }
  if (dep) {
    out.push({
      label: "suspected_dependency_unavailable",
      ...logFindingOf(f, dep),
      why: [`logs: ${dep.title}${dep.detail ? ` to ${dep.detail}` : ""} ×${dep.count}: "${dep.sample.slice(0, 160)}"`],
      steps: [
        ...(dep.detail ? [text(`Check ${dep.detail} is up: ${kubectl`${ns}run -it --rm nettest --image=busybox --restart=Never -- nc -zv -w 3 ${hostPort(dep.detail)}`.text}`)] : []),
        kubectl`${ns}get endpoints`,
        ...previousLogsStep(f),
      ],
    });
  }
  const crash = logMatch(f, "app_crash", "bad_rollout", "disk_full", "cert_expiry", "oom");
  if (out.length === 0 && (crash || (f.lastExitCode !== null && f.lastExitCode !== 0))) {
    const startup = !crash && f.lastExitCode !== null && startupExitCodes.has(f.lastExitCode);
    out.push({
      label: startup ? "suspected_app_startup_failure" : "suspected_app_runtime_failure",
      ...(crash ? logFindingOf(f, crash) : { id: "app_exit", category: "app_crash" as const, title: `Application exits with code ${f.lastExitCode}`, confidence: 45 }),
      why: [
        `last exit code ${f.lastExitCode ?? "?"}${f.lastTerminatedReason ? ` (${f.lastTerminatedReason})` : ""}`,
        ...(crash ? [`logs: ${crash.title}: "${crash.sample.slice(0, 160)}"`] : [noPatternInLogs(f)]),
        ...(f.changes.rolloutInWindow ? [`change: ${f.changes.summary}`] : []),
      ],
      ...(crash ? {} : { counter: [noPatternInLogs(f)] }),
      steps: [...previousLogsStep(f), ...qs.slice(0, 1).map((q) => promql(q.query))],
    });
  }
  if (f.changes.rolloutInWindow && (f.changes.minutesBeforeAlert ?? -1) >= 0) {
    out.push({
      label: "suspected_rollout_regression",
      id: "rollout",
      category: "bad_rollout",
      title: "A recent rollout introduced the crash",
      confidence: 50,
      why: [f.changes.summary],
      steps: [kubectl`${ns}rollout history ${workloadRef(f.evidence.k8s.workload)}`],
    });
  }
  return out;
}

function unknowns(f: Features): string[] {
  if (isStaleTermination(f)) {
    return [
      `container ${f.container?.name ?? "?"} is ready and did not restart inside the window; its last termination (${f.lastTerminatedReason ?? "?"}, exit ${f.lastExitCode ?? "?"}${f.container?.lastTerminatedAt ? ` at ${f.container.lastTerminatedAt}` : ""}) predates the window and explains no current crash`,
    ];
  }
  if (f.evidence.k8s.pod) return [`container ${f.container?.name ?? "?"}: ${f.restarts} restart(s), last exit ${f.lastExitCode ?? "unknown"}; ${noPatternInLogs(f)}`];
  return ["why the container exits: its last termination reason, exit code and last log lines are unknown"];
}

export const crashloop = findingsModule({
  family: "crashloop",
  needs: { k8s: "pod", logs: true },
  queries,
  findings: (f) => crashFindings(f, queries(f.target)),
  unknowns,
  logConfidence: 55,
});
