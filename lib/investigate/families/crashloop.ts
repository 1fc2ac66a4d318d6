import { hostPort, kubectl, nsFlag, placeholder, promql, text, workloadRef } from "../commands";
import { type Features, formatBytes, logMatch, stat } from "../features";
import { podSelector, withMatcher } from "../promql";
import type { Hypothesis, Target } from "../report";
import { hypothesis, isStaleTermination, logHypotheses, noPatternInLogs, podQueries, previousLogsStep, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

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

/** Pod crash diagnosis shared by crash loops and unhealthy pods: the container's last words first. */
export function crashDiagnosis(f: Features, qs: MetricQuery[]): EnrichmentDraft | null {
  if (isStaleTermination(f)) return null;
  const c = f.container;
  const ns = nsFlag(f.target.namespace);
  const ref = f.evidence.k8s.workload ? workloadRef(f.evidence.k8s.workload) : null;
  if (isOomTermination(f)) {
    return {
      label: "suspected_oom_crash",
      why: [`container ${c?.name ?? "?"} last terminated with ${f.lastTerminatedReason ?? "SIGKILL"} (exit ${f.lastExitCode ?? "?"})`, ...memoryNote(f)],
      steps: [
        promql(`max_over_time(container_memory_working_set_bytes${withMatcher(podSelector(f.target), 'container!=""')}[1h])`),
        ...previousLogsStep(f),
        ...(ref ? [text(`If usage is legitimately this high, raise the limit: ${kubectl`${ns}set resources ${ref} -c ${c?.name ?? placeholder("container")} --limits=memory=<new>`.text}`)] : []),
      ],
    };
  }
  if (f.probe.liveness) {
    return {
      label: "suspected_liveness_probe_failure",
      why: [`event: ${f.probe.liveness}`, `last exit ${f.lastExitCode ?? "?"}: the kubelet kills the container when liveness fails`],
      steps: [
        kubectl`${ns}get pod ${f.target.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].livenessProbe}'`,
        ...previousLogsStep(f),
        text("Check whether the probe's timeout/initialDelay fits the app's start-up and whether the endpoint depends on a slow dependency."),
      ],
    };
  }
  const inferred = oomInferredFromMetrics(f);
  if (inferred && !logMatch(f, "config_error", "permission_error", "dependency_unavailable", "network")) {
    return {
      label: "suspected_oom_crash",
      why: [
        `working set peaked at ${formatBytes(inferred.peak)}, ${Math.round((inferred.peak / inferred.limit) * 100)}% of the ${formatBytes(inferred.limit)} memory limit, while the container restarted`,
        "inferred from metrics only: the termination reason (OOMKilled, exit 137) was not seen because Kubernetes context is missing",
      ],
      steps: [
        kubectl`${ns}get pod ${f.target.pod ?? placeholder("pod")} -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}'`,
        promql(`max_over_time(container_memory_working_set_bytes${withMatcher(podSelector(f.target), 'container!=""')}[1h])`),
        ...previousLogsStep(f),
      ],
    };
  }
  const cfg = logMatch(f, "config_error", "permission_error");
  const cfgEvent = f.waitingReason === "CreateContainerConfigError" ? f.container?.waitingMessage ?? f.waitingReason : null;
  if (cfg || cfgEvent) {
    return {
      label: "suspected_config_or_permission_error",
      why: [cfg ? `logs: ${cfg.title}${cfg.detail ? ` (${cfg.detail})` : ""}: "${cfg.sample.slice(0, 160)}"` : `container waiting: ${cfgEvent}`],
      steps: [
        kubectl`${ns}get pod ${f.target.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].env}'`,
        kubectl`${ns}get configmap,secret`,
        ...previousLogsStep(f),
      ],
    };
  }
  const dep = logMatch(f, "dependency_unavailable", "network");
  if (dep) {
    return {
      label: "suspected_dependency_unavailable",
      why: [`logs: ${dep.title}${dep.detail ? ` to ${dep.detail}` : ""} ×${dep.count}: "${dep.sample.slice(0, 160)}"`],
      steps: [
        ...(dep.detail ? [text(`Check ${dep.detail} is up: ${kubectl`${ns}run -it --rm nettest --image=busybox --restart=Never -- nc -zv -w 3 ${hostPort(dep.detail)}`.text}`)] : []),
        kubectl`${ns}get endpoints`,
        ...previousLogsStep(f),
      ],
    };
  }
  const crash = logMatch(f, "app_crash", "bad_rollout", "disk_full", "cert_expiry", "oom");
  if (crash || (f.lastExitCode !== null && f.lastExitCode !== 0)) {
    const startup = !crash && f.lastExitCode !== null && startupExitCodes.has(f.lastExitCode);
    return {
      label: startup ? "suspected_app_startup_failure" : "suspected_app_runtime_failure",
      why: [
        `last exit code ${f.lastExitCode ?? "?"}${f.lastTerminatedReason ? ` (${f.lastTerminatedReason})` : ""}`,
        ...(crash ? [`logs: ${crash.title}: "${crash.sample.slice(0, 160)}"`] : [noPatternInLogs(f)]),
        ...(f.changes.rolloutInWindow ? [`change: ${f.changes.summary}`] : []),
      ],
      steps: [...previousLogsStep(f), ...qs.slice(0, 1).map((q) => promql(q.query))],
    };
  }
  return null;
}

export function crashHypotheses(f: Features): Hypothesis[] {
  const out: Hypothesis[] = [];
  if (isStaleTermination(f)) return logHypotheses(f, 35);
  if (isOomTermination(f)) {
    out.push(
      hypothesis({
        id: "oom_kill",
        category: "oom",
        title: "Container is killed for exceeding its memory limit",
        confidence: f.lastTerminatedReason === "OOMKilled" ? 90 : 70,
        why: [`last termination ${f.lastTerminatedReason ?? "?"} exit ${f.lastExitCode ?? "?"}`, ...memoryNote(f)],
        counter: f.memoryLimitBytes ? [] : ["no memory limit is known for the container"],
        nextTests: [`max_over_time(container_memory_working_set_bytes${podSelector(f.target)}[1h])`],
      }),
    );
  }
  const inferred = oomInferredFromMetrics(f);
  if (inferred) {
    out.push(
      hypothesis({
        id: "oom_kill_inferred",
        category: "oom",
        title: "Container is probably killed for exceeding its memory limit",
        confidence: 60,
        why: [`working set ${formatBytes(inferred.peak)} reached ${Math.round((inferred.peak / inferred.limit) * 100)}% of the ${formatBytes(inferred.limit)} limit while restarts rose`],
        counter: ["the termination reason was not seen (no Kubernetes context); exit 137 / OOMKilled would confirm it"],
        nextTests: [kubectl`${nsFlag(f.target.namespace)}describe pod ${f.target.pod ?? placeholder("pod")}`.text],
      }),
    );
  }
  if (f.probe.liveness || f.probe.startup) {
    out.push(
      hypothesis({
        id: "liveness_probe",
        category: "probe_failure",
        title: "Liveness/startup probe failures restart the container",
        confidence: isOomTermination(f) ? 40 : 75,
        why: [f.probe.liveness ?? f.probe.startup ?? ""],
        nextTests: ["Compare the probe's timeoutSeconds/failureThreshold with the endpoint's real latency"],
      }),
    );
  }
  out.push(...logHypotheses(f, 55));
  if (f.changes.rolloutInWindow && (f.changes.minutesBeforeAlert ?? -1) >= 0) {
    out.push(
      hypothesis({
        id: "rollout",
        category: "bad_rollout",
        title: "A recent rollout introduced the crash",
        confidence: 50,
        why: [f.changes.summary],
        nextTests: [kubectl`${nsFlag(f.target.namespace)}rollout history ${workloadRef(f.evidence.k8s.workload)}`.text],
      }),
    );
  }
  if (f.lastExitCode !== null && f.lastExitCode !== 0 && f.lastExitCode !== 137 && out.length === 0) {
    out.push(
      hypothesis({
        id: "app_exit",
        category: "app_crash",
        title: `Application exits with code ${f.lastExitCode}`,
        confidence: 45,
        why: [`last termination ${f.lastTerminatedReason ?? "Error"} exit ${f.lastExitCode}`],
        counter: [noPatternInLogs(f)],
        nextTests: previousLogsStep(f).map((s) => s.text),
      }),
    );
  }
  return out;
}

export const crashloop: FamilyModule = {
  family: "crashloop",
  needs: { k8s: "pod", logs: true },
  queries,
  enrich(f) {
    const qs = queries(f.target);
    return (
      crashDiagnosis(f, qs) ??
      unknownEnrichment(f, qs, [
        isStaleTermination(f)
          ? `container ${f.container?.name ?? "?"} is ready and did not restart inside the window; its last termination (${f.lastTerminatedReason ?? "?"}, exit ${f.lastExitCode ?? "?"}${f.container?.lastTerminatedAt ? ` at ${f.container.lastTerminatedAt}` : ""}) predates the window and explains no current crash`
          : f.evidence.k8s.pod
            ? `container ${f.container?.name ?? "?"}: ${f.restarts} restart(s), last exit ${f.lastExitCode ?? "unknown"}; ${noPatternInLogs(f)}`
            : "why the container exits: its last termination reason, exit code and last log lines are unknown",
      ])
    );
  },
  hypotheses(f) {
    const hs = crashHypotheses(f);
    return hs.length ? hs : [unknownHypothesis(f, isStaleTermination(f) ? "no crash inside the window; the container is healthy now" : "exit reason and last log lines unknown")];
  },
};
