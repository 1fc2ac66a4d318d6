import { describe, expect, it } from "vitest";
import type { Family } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Providers } from "../providers/types";
import type { Blocker, Classification, HypothesisCategory } from "../vocabulary";
import {
  alertOf,
  containerOf,
  eventOf,
  failing,
  investigate,
  kubeOf,
  logsOf,
  metricsOf,
  NOW,
  nodeOf,
  podOf,
  workloadOf,
} from "../testing/providers";

type Case = {
  family: Family;
  alert: NormalizedAlert;
  providers: Partial<Providers>;
  label: string;
  top: HypothesisCategory;
  classification: Classification;
  /** Blockers expected when every provider throws, and with no providers at all. */
  blocked: Blocker[];
  noProvider: Blocker[];
};

const pod = { namespace: "shop", pod: "checkout-7d9f8-abcde", container: "app" };
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

const cases: Case[] = [
  {
    family: "crashloop",
    alert: alertOf({ alertname: "KubePodCrashLooping", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: podOf({ containers: [containerOf({ ready: false, restartCount: 7, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "OOMKilled", lastTerminatedExitCode: 137, lastTerminatedAt: minutesAgo(3) })] }),
        events: [eventOf("BackOff", "Back-off restarting failed container app")],
        previousLogs: ["loading catalogue", "allocating cache"],
      }),
      metrics: metricsOf({ container_memory_working_set_bytes: [2e8, 2.6e8, 2.68e8] }),
    },
    label: "suspected_oom_crash",
    top: "oom",
    classification: "actionable",
    blocked: ["B", "C", "D"],
    noProvider: ["B", "C", "D"],
  },
  {
    family: "pod_not_healthy",
    alert: alertOf({ alertname: "KubernetesPodNotHealthy", severity: "critical", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: podOf({ phase: "Pending", conditions: [{ type: "Ready", status: "False" }], containers: [containerOf({ ready: false, state: "waiting", waitingReason: "ImagePullBackOff", waitingMessage: 'Back-off pulling image "registry.example/app:1.2.4"', image: "registry.example/app:1.2.4" })] }),
        events: [eventOf("Failed", 'Failed to pull image "registry.example/app:1.2.4": manifest unknown')],
      }),
    },
    label: "suspected_image_pull_backoff",
    top: "image_pull",
    classification: "actionable",
    blocked: ["B", "C", "D"],
    noProvider: ["B", "C", "D"],
  },
  {
    family: "oom_killed",
    alert: alertOf({ alertname: "KubernetesContainerOomKiller", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({ pod: podOf({ containers: [containerOf({ restartCount: 2, lastTerminatedReason: "OOMKilled", lastTerminatedExitCode: 137, lastTerminatedAt: minutesAgo(5) })] }), node: nodeOf() }),
      metrics: metricsOf({ container_memory_working_set_bytes: [5e7, 1.2e8, 2.6e8], kube_pod_container_resource_limits: [268435456] }),
    },
    label: "suspected_memory_leak_or_spike",
    top: "memory_leak",
    classification: "actionable",
    blocked: ["B", "D"],
    noProvider: ["B", "D"],
  },
  {
    family: "cpu_throttling",
    alert: alertOf({ alertname: "CPUThrottlingHigh", severity: "info", ...pod }),
    providers: {
      kubernetes: kubeOf({ pod: podOf() }),
      metrics: metricsOf({ container_cpu_cfs_throttled_periods_total: [0.3, 0.45, 0.4], container_cpu_usage_seconds_total: [0.42, 0.49, 0.47], kube_pod_container_resource_limits: [0.5] }),
    },
    label: "suspected_cpu_limit_too_low",
    top: "cpu_limit",
    classification: "informational",
    blocked: ["B", "D"],
    noProvider: ["B", "D"],
  },
  {
    family: "http_5xx",
    alert: alertOf({ alertname: "Http5xxRateHigh", severity: "critical", namespace: "shop", service: "checkout" }),
    providers: {
      metrics: metricsOf({ http_requests_total: [0.01, 0.2, 0.3] }),
      logs: logsOf(["GET /pay 502", 'upstream error: dial tcp payments.shop.svc:8443: connect: connection refused', "dial tcp payments.shop.svc:8443: connect: connection refused"]),
    },
    label: "suspected_dependency_failure",
    top: "dependency_unavailable",
    classification: "actionable",
    blocked: ["B", "C", "D"],
    noProvider: ["B", "C", "D"],
  },
  {
    family: "latency",
    alert: alertOf({ alertname: "APILatencyHigh", severity: "warning", namespace: "shop", service: "checkout" }),
    providers: {
      metrics: metricsOf({ http_request_duration_seconds_bucket: [0.2, 0.9, 1.4], http_requests_total: [50, 55, 52] }),
      logs: logsOf(["ERROR canceling statement due to statement timeout", "WARN slow query: SELECT * FROM orders took 4200ms", "slow query: SELECT 1 took 3000ms"]),
    },
    label: "suspected_database_slow",
    top: "database_slow",
    classification: "actionable",
    blocked: ["B", "C", "D"],
    noProvider: ["B", "C", "D"],
  },
  {
    family: "target_down",
    alert: alertOf({ alertname: "TargetDown", severity: "warning", job: "node-exporter", namespace: "monitoring" }),
    providers: { metrics: metricsOf({ "sum(1 - up": [0, 4, 5], "count(up": [6, 6, 6] }) },
    label: "suspected_job_wide_scrape_failure",
    top: "scrape_failure",
    classification: "actionable",
    blocked: ["D"],
    noProvider: ["D"],
  },
  {
    family: "job_failed",
    alert: alertOf({ alertname: "KubeJobFailed", severity: "warning", namespace: "batch", job_name: "nightly-export-2911" }),
    providers: {
      kubernetes: kubeOf({
        workload: workloadOf({ kind: "Job", namespace: "batch", name: "nightly-export-2911", desired: 1, ready: 0, updated: 0, available: 0, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }], job: { succeeded: 0, failed: 6, active: 0 } }),
        pod: podOf({ namespace: "batch", name: "nightly-export-2911-x7k2p", phase: "Failed", containers: [containerOf({ ready: false, state: "terminated", lastTerminatedReason: "Error", lastTerminatedExitCode: 2 })] }),
        logs: ["starting export", "KeyError: 'EXPORT_BUCKET'"],
      }),
    },
    label: "job_failed_exit_2",
    top: "config_error",
    classification: "actionable",
    blocked: ["B", "C", "D"],
    noProvider: ["B", "C", "D"],
  },
  {
    family: "k8s_rollout_health",
    alert: alertOf({ alertname: "KubeDeploymentRolloutStuck", severity: "warning", namespace: "shop", deployment: "checkout" }),
    providers: {
      kubernetes: kubeOf({
        workload: workloadOf({ ready: 2, updated: 1, available: 2, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "checkout-8c7" has timed out progressing.' }] }),
      }),
      metrics: metricsOf({ kube_deployment_status_replicas_available: [3, 2, 2], kube_deployment_spec_replicas: [3, 3, 3] }),
    },
    label: "suspected_rollout_stuck",
    top: "bad_rollout",
    classification: "actionable",
    blocked: ["B", "D"],
    noProvider: ["B", "D"],
  },
  {
    family: "node_health",
    alert: alertOf({ alertname: "KubeNodeNotReady", severity: "critical", node: "node-b" }),
    providers: {
      kubernetes: kubeOf({ node: nodeOf({ name: "node-b", conditions: [{ type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." }, { type: "MemoryPressure", status: "False" }] }) }),
    },
    label: "suspected_node_not_ready",
    top: "node_pressure",
    classification: "actionable",
    blocked: ["B", "D"],
    noProvider: ["B", "D"],
  },
  {
    family: "volume_filling",
    alert: alertOf({ alertname: "KubePersistentVolumeFillingUp", severity: "warning", namespace: "data", persistentvolumeclaim: "pg-data-0" }),
    providers: { metrics: metricsOf({ kubelet_volume_stats_used_bytes: [0.8, 0.86, 0.93] }) },
    label: "suspected_disk_filling",
    top: "disk_full",
    classification: "actionable",
    blocked: ["B", "D"],
    noProvider: ["B", "D"],
  },
  {
    family: "meta",
    alert: alertOf({ alertname: "Watchdog", severity: "none" }),
    providers: { metrics: metricsOf({}) },
    label: "heartbeat",
    top: "noise",
    classification: "informational",
    blocked: [],
    noProvider: [],
  },
];

describe.each(cases)("family $family", (c) => {
  it("firing with the root cause present: diagnoses it from evidence", async () => {
    const report = await investigate(c.alert, c.providers);
    expect(report.family).toBe(c.family);
    expect(report.analysis.enrichment.label).toBe(c.label);
    expect(report.analysis.hypotheses[0]?.category).toBe(c.top);
    expect(report.analysis.verdict.classification).toBe(c.classification);
    expect(report.analysis.enrichment.why.length).toBeGreaterThan(0);
    expect(report.analysis.enrichment.next.length).toBeGreaterThan(0);
  });

  it("blocked: every provider throws, each call is recorded as an error", async () => {
    const report = await investigate(c.alert, failing);
    expect(report.family).toBe(c.family);
    expect(report.analysis.blockers).toEqual(c.blocked);
    expect(report.evidence.logs.status).toBe("unavailable");
    const own = report.queries.filter((q) => q.query !== report.queries.find((x) => x.query.startsWith("max(ALERTS"))?.query);
    expect(report.queries.every((q) => q.outcome === "error")).toBe(true);
    if (c.blocked.length) expect(own.length).toBeGreaterThan(0);
  });

  it("no providers: says what is missing and what to run", async () => {
    const report = await investigate(c.alert);
    expect(report.analysis.blockers).toEqual(c.noProvider);
    expect(report.queries).toEqual([]);
    expect(report.analysis.decision.next.length).toBeGreaterThan(0);
    if (c.family !== "meta") expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
  });
});

describe("evidence over alert names", () => {
  it("a crash loop whose logs show connection refused names the dependency and its host:port", async () => {
    const report = await investigate(alertOf({ alertname: "KubePodCrashLooping", severity: "critical", ...pod }), {
      kubernetes: kubeOf({
        pod: podOf({ containers: [containerOf({ ready: false, restartCount: 4, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "Error", lastTerminatedExitCode: 1, lastTerminatedAt: minutesAgo(2) })] }),
        previousLogs: ["booting", "psql: error: connection to server at \"orders-db.shop.svc\" (10.3.0.9), port 5432 failed", "dial tcp 10.3.0.9:5432: connect: connection refused"],
      }),
    });
    expect(report.analysis.enrichment.label).toBe("suspected_dependency_unavailable");
    expect(report.analysis.enrichment.why.join(" ")).toContain("10.3.0.9:5432");
    expect(report.analysis.hypotheses[0]).toMatchObject({ category: "dependency_unavailable" });
    expect(report.evidence.logs).toMatchObject({ status: "ok", backend: "kubernetes" });
    expect(report.queries.some((q) => q.query.includes("previous=true"))).toBe(true);
  });

  it("a crash loop with a missing environment variable is a config error", async () => {
    const report = await investigate(alertOf({ alertname: "KubePodCrashLooping", ...pod }), {
      kubernetes: kubeOf({
        pod: podOf({ containers: [containerOf({ ready: false, restartCount: 3, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "Error", lastTerminatedExitCode: 1 })] }),
        previousLogs: ["Error: environment variable DATABASE_URL is not set"],
      }),
    });
    expect(report.analysis.enrichment.label).toBe("suspected_config_or_permission_error");
    expect(report.analysis.hypotheses[0]).toMatchObject({ category: "config_error", title: "Configuration error: DATABASE_URL" });
  });

  it("a firing crash-loop alert on a healthy pod without recent restarts is an artifact", async () => {
    const report = await investigate(alertOf({ alertname: "KubePodCrashLooping", severity: "critical", ...pod }), {
      kubernetes: kubeOf({ pod: podOf({ containers: [containerOf({ restartCount: 2, lastTerminatedReason: "Error", lastTerminatedExitCode: 1, lastTerminatedAt: minutesAgo(300) })] }) }),
    });
    expect(report.analysis.decision.label).toBe("recovered_or_artifact");
    expect(report.analysis.verdict.classification).toBe("artifact");
    expect(report.analysis.scores.reasonCodes.map((r) => r.code)).toContain("target_recovered");
  });

  it("a rollout just before 5xx errors is the first suspect", async () => {
    const report = await investigate(alertOf({ alertname: "HighErrorRate", severity: "critical", ...pod }), {
      kubernetes: kubeOf({
        pod: podOf(),
        workload: workloadOf({ revisions: [{ revision: "5", createdAt: minutesAgo(25), images: ["registry.example/app:1.3.0"] }, { revision: "4", createdAt: "2026-11-01T10:00:00.000Z", images: ["registry.example/app:1.2.3"] }] }),
      }),
      metrics: metricsOf({ http_requests_total: [0.0, 0.2] }),
    });
    expect(report.analysis.enrichment.label).toBe("suspected_rollout_regression");
    expect(report.analysis.changes).toMatchObject({ rolloutInWindow: true, minutesBeforeAlert: 5 });
    expect(report.analysis.changes.summary).toContain("image changed from registry.example/app:1.2.3");
    expect(report.analysis.hypotheses[0]?.category).toBe("bad_rollout");
  });

  it("flapping alerts are classified noisy", async () => {
    const flappy = [1, 0, 1, 0, 1, 0, 1, 0];
    const report = await investigate(alertOf({ alertname: "CPUThrottlingHigh", severity: "warning", ...pod }), {
      kubernetes: kubeOf({ pod: podOf() }),
      metrics: metricsOf({ ALERTS: flappy, container_cpu_usage_seconds_total: [0.1, 0.12], kube_pod_container_resource_limits: [0.5], container_cpu_cfs_throttled_periods_total: [0.3, 0.2] }),
    });
    expect(report.analysis.noise).toMatchObject({ flapping: true, flaps: 3 });
    expect(report.analysis.enrichment.label).toBe("suspected_cfs_throttle_but_usage_low");
    expect(report.analysis.verdict.classification).toBe("noisy");
  });

  it("pods stuck Pending on FailedScheduling point at scheduling", async () => {
    const report = await investigate(alertOf({ alertname: "KubePodNotReady", ...pod }), {
      kubernetes: kubeOf({
        pod: podOf({ phase: "Pending", nodeName: undefined, containers: [containerOf({ ready: false, state: "waiting", waitingReason: "ContainerCreating" })] }),
        events: [eventOf("FailedScheduling", "0/3 nodes are available: 3 Insufficient memory.")],
      }),
    });
    expect(report.analysis.enrichment.label).toBe("suspected_scheduling_or_node_pressure");
    expect(report.analysis.hypotheses[0]?.category).toBe("scheduling");
  });
});
