// npx tsx scripts/record-fixtures.ts [name…] — record the replay fixtures and their golden reports.
//
// Each scenario runs a real investigation through the recorder with the clock fixed at NOW. The
// evidence comes from the in-memory providers of lib/investigate/testing/providers.ts, except the
// blocked cases, which call the real Prometheus and logs clients against a closed loopback port so
// the recorded errors are the ones those clients really raise. The fixture is then replayed from
// its file text and must give the same report as the live run before anything is written.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { investigateAlert } from "@/lib/investigate/investigate-alert";
import { createLogsProvider } from "@/lib/investigate/providers/logs";
import { createMetricsProvider } from "@/lib/investigate/providers/prometheus";
import type { KubernetesProvider, Providers } from "@/lib/investigate/providers/types";
import { recordProviders } from "@/lib/investigate/replay/record-providers";
import { parseRecording } from "@/lib/investigate/replay/recording";
import { investigationInput, replayInvestigation } from "@/lib/investigate/replay/replay-investigation";
import {
  alertmanagerOf,
  alertOf,
  containerOf,
  eventOf,
  kubeOf,
  logsOf,
  metricsOf,
  nodeOf,
  NOW,
  podOf,
  silentLog,
  workloadOf,
} from "@/lib/investigate/testing/providers";
import { fixtureIndexPath, fixturesDir, goldenPaths, type FixtureIndexEntry } from "@/lib/investigate/replay/fixtures";

type Scenario = {
  name: string;
  /** What the scenario shows, for the reviewer of fixtures/index.json. */
  intent: string;
  alert: NormalizedAlert;
  providers: Omit<Providers, "timeoutMs">;
  timeoutMs?: number;
  expect: Omit<FixtureIndexEntry, "intent">;
};

const pod = { namespace: "shop", pod: "checkout-7d9f8-abcde", container: "app" };
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
// A privileged port nothing listens on (and not on fetch's blocked-port list): refused at once.
const CLOSED = "http://127.0.0.1:2";

const hanging: KubernetesProvider = {
  getPod: () => new Promise(() => {}),
  listPods: () => new Promise(() => {}),
  listEvents: () => new Promise(() => {}),
  resolveOwnerWorkload: () => new Promise(() => {}),
  getWorkload: () => new Promise(() => {}),
  getPodLogs: () => new Promise(() => {}),
  getNode: () => new Promise(() => {}),
  getHorizontalPodAutoscaler: () => new Promise(() => {}),
  listResourceQuotas: () => new Promise(() => {}),
  getPersistentVolumeClaim: () => new Promise(() => {}),
  getPersistentVolume: () => new Promise(() => {}),
  listEventsByReason: () => new Promise(() => {}),
  getService: () => new Promise(() => {}),
  listEndpoints: () => new Promise(() => {}),
  getCronJob: () => new Promise(() => {}),
  listWorkloads: () => new Promise(() => {}),
  listPodsByIp: () => new Promise(() => {}),
};

const crashing = (overrides: Parameters<typeof containerOf>[0]) =>
  podOf({ containers: [containerOf({ ready: false, state: "waiting", waitingReason: "CrashLoopBackOff", ...overrides })] });

const scenarios: Scenario[] = [
  {
    name: "crashloop-oom",
    intent: "crash loop whose last termination is OOMKilled with memory near the limit",
    alert: alertOf({ alertname: "KubePodCrashLooping", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: crashing({ restartCount: 7, lastTerminatedReason: "OOMKilled", lastTerminatedExitCode: 137, lastTerminatedAt: minutesAgo(3) }),
        events: [eventOf("BackOff", "Back-off restarting failed container app")],
        previousLogs: ["loading catalogue", "allocating cache"],
      }),
      metrics: metricsOf({ container_memory_working_set_bytes: [2e8, 2.6e8, 2.68e8] }),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "crashloop", label: "suspected_oom_crash", classification: "actionable" },
  },
  {
    name: "crashloop-dependency-refused",
    intent: "crash loop whose previous logs show the database refusing connections",
    alert: alertOf({ alertname: "KubePodCrashLooping", severity: "critical", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: crashing({ restartCount: 4, lastTerminatedReason: "Error", lastTerminatedExitCode: 1, lastTerminatedAt: minutesAgo(2) }),
        events: [eventOf("BackOff", "Back-off restarting failed container app")],
        previousLogs: ["booting", 'psql: error: connection to server at "orders-db.shop.svc" (10.3.0.9), port 5432 failed', "dial tcp 10.3.0.9:5432: connect: connection refused"],
      }),
      metrics: metricsOf({}),
      logs: logsOf([]),
      alertmanager: alertmanagerOf(1),
    },
    expect: { family: "crashloop", label: "suspected_dependency_unavailable", classification: "actionable" },
  },
  {
    name: "crashloop-missing-env",
    intent: "crash loop on start-up because an environment variable is missing",
    alert: alertOf({ alertname: "KubePodCrashLooping", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: crashing({ restartCount: 3, lastTerminatedReason: "Error", lastTerminatedExitCode: 1, lastTerminatedAt: minutesAgo(1) }),
        previousLogs: ["Error: environment variable DATABASE_URL is not set"],
      }),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "crashloop", label: "suspected_config_or_permission_error", classification: "actionable" },
  },
  {
    name: "crashloop-recovered-artifact",
    intent: "crash-loop alert still firing on a pod that is healthy and has not restarted for hours",
    alert: alertOf({ alertname: "KubePodCrashLooping", severity: "critical", ...pod }),
    providers: {
      kubernetes: kubeOf({ pod: podOf({ containers: [containerOf({ restartCount: 2, lastTerminatedReason: "Error", lastTerminatedExitCode: 1, lastTerminatedAt: minutesAgo(300) })] }) }),
    },
    expect: { family: "crashloop", label: "unknown_needs_human", classification: "artifact" },
  },
  {
    name: "pod-not-healthy-image-not-found",
    intent: "pod stuck on ImagePullBackOff for a tag the registry does not have",
    alert: alertOf({ alertname: "KubernetesPodNotHealthy", severity: "critical", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: podOf({
          phase: "Pending",
          conditions: [{ type: "Ready", status: "False" }],
          containers: [containerOf({ ready: false, state: "waiting", waitingReason: "ImagePullBackOff", waitingMessage: 'Back-off pulling image "registry.example/app:1.2.4"', image: "registry.example/app:1.2.4" })],
        }),
        events: [eventOf("Failed", 'Failed to pull image "registry.example/app:1.2.4": manifest unknown')],
      }),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "pod_not_healthy", label: "suspected_image_pull_backoff", classification: "actionable" },
  },
  {
    name: "pod-not-healthy-create-container-config-error",
    intent: "container cannot be created because the secret it references does not exist",
    alert: alertOf({ alertname: "KubernetesPodNotHealthy", severity: "critical", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: podOf({
          phase: "Pending",
          conditions: [{ type: "Ready", status: "False" }],
          containers: [containerOf({ ready: false, state: "waiting", waitingReason: "CreateContainerConfigError", waitingMessage: 'secret "checkout-db" not found' })],
        }),
        events: [eventOf("Failed", 'Error: secret "checkout-db" not found')],
      }),
    },
    expect: { family: "pod_not_healthy", label: "suspected_config_error", classification: "actionable" },
  },
  {
    name: "pod-not-healthy-unschedulable",
    intent: "pod Pending because no node has enough memory",
    alert: alertOf({ alertname: "KubePodNotReady", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: podOf({ phase: "Pending", nodeName: undefined, containers: [containerOf({ ready: false, state: "waiting", waitingReason: "ContainerCreating" })] }),
        events: [eventOf("FailedScheduling", "0/3 nodes are available: 3 Insufficient memory.")],
      }),
      alertmanager: alertmanagerOf(2),
    },
    expect: { family: "pod_not_healthy", label: "suspected_scheduling_or_node_pressure", classification: "actionable" },
  },
  {
    name: "oom-killed-memory-growth",
    intent: "OOM kill after working set grew steadily up to the limit",
    alert: alertOf({ alertname: "KubernetesContainerOomKiller", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: podOf({ containers: [containerOf({ restartCount: 2, lastTerminatedReason: "OOMKilled", lastTerminatedExitCode: 137, lastTerminatedAt: minutesAgo(5) })] }),
        node: nodeOf(),
      }),
      metrics: metricsOf({ container_memory_working_set_bytes: [5e7, 1.2e8, 2.6e8], kube_pod_container_resource_limits: [268435456] }),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "oom_killed", label: "suspected_memory_leak_or_spike", classification: "actionable" },
  },
  {
    name: "cpu-throttling-limit-too-low",
    intent: "throttled while usage sits at the CPU limit",
    alert: alertOf({ alertname: "CPUThrottlingHigh", severity: "info", ...pod }),
    providers: {
      kubernetes: kubeOf({ pod: podOf() }),
      metrics: metricsOf({ container_cpu_cfs_throttled_periods_total: [0.3, 0.45, 0.4], container_cpu_usage_seconds_total: [0.42, 0.49, 0.47], kube_pod_container_resource_limits: [0.5] }),
    },
    expect: { family: "cpu_throttling", label: "suspected_cpu_limit_too_low", classification: "informational" },
  },
  {
    name: "cpu-throttling-flapping",
    intent: "throttling alert that keeps flapping while usage is low: noise",
    alert: alertOf({ alertname: "CPUThrottlingHigh", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({ pod: podOf() }),
      metrics: metricsOf({ ALERTS: [1, 0, 1, 0, 1, 0, 1, 0], container_cpu_usage_seconds_total: [0.1, 0.12], kube_pod_container_resource_limits: [0.5], container_cpu_cfs_throttled_periods_total: [0.3, 0.2] }),
    },
    expect: { family: "cpu_throttling", label: "suspected_cfs_throttle_but_usage_low", classification: "noisy" },
  },
  {
    name: "http-5xx-rollout-regression",
    intent: "5xx errors starting minutes after a new image was rolled out",
    alert: alertOf({ alertname: "HighErrorRate", severity: "critical", ...pod }),
    providers: {
      kubernetes: kubeOf({
        pod: podOf(),
        workload: workloadOf({
          revisions: [
            { revision: "5", createdAt: minutesAgo(25), images: ["registry.example/app:1.3.0"] },
            { revision: "4", createdAt: "2026-11-01T10:00:00.000Z", images: ["registry.example/app:1.2.3"] },
          ],
        }),
      }),
      metrics: metricsOf({ http_requests_total: [0.0, 0.2] }),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "http_5xx", label: "suspected_rollout_regression", classification: "actionable" },
  },
  {
    name: "http-5xx-dependency-refused",
    intent: "service 5xx while its logs show the payments dependency refusing connections",
    alert: alertOf({ alertname: "Http5xxRateHigh", severity: "critical", namespace: "shop", service: "checkout" }),
    providers: {
      metrics: metricsOf({ http_requests_total: [0.01, 0.2, 0.3] }),
      logs: logsOf(["GET /pay 502", "upstream error: dial tcp payments.shop.svc:8443: connect: connection refused", "dial tcp payments.shop.svc:8443: connect: connection refused"]),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "http_5xx", label: "suspected_dependency_failure", classification: "actionable" },
  },
  {
    name: "latency-database-slow",
    intent: "p99 latency up with slow-query and statement-timeout logs",
    alert: alertOf({ alertname: "APILatencyHigh", severity: "warning", namespace: "shop", service: "checkout" }),
    providers: {
      metrics: metricsOf({ http_request_duration_seconds_bucket: [0.2, 0.9, 1.4], http_requests_total: [50, 55, 52] }),
      logs: logsOf(["ERROR canceling statement due to statement timeout", "WARN slow query: SELECT * FROM orders took 4200ms", "slow query: SELECT 1 took 3000ms"]),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "latency", label: "suspected_database_slow", classification: "actionable" },
  },
  {
    name: "target-down-job-wide",
    intent: "most targets of one scrape job down at once",
    alert: alertOf({ alertname: "TargetDown", severity: "warning", job: "node-exporter", namespace: "monitoring" }),
    providers: { metrics: metricsOf({ "sum(1 - up": [0, 4, 5], "count(up": [6, 6, 6] }), alertmanager: alertmanagerOf(3) },
    expect: { family: "target_down", label: "suspected_job_wide_scrape_failure", classification: "actionable" },
  },
  {
    name: "job-failed-missing-config",
    intent: "CronJob run failed with exit 2 on a missing configuration key",
    alert: alertOf({ alertname: "KubeJobFailed", severity: "warning", namespace: "batch", job_name: "nightly-export-2911" }),
    providers: {
      kubernetes: kubeOf({
        workload: workloadOf({
          kind: "Job",
          namespace: "batch",
          name: "nightly-export-2911",
          desired: 1,
          ready: 0,
          updated: 0,
          available: 0,
          conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }],
          job: { succeeded: 0, failed: 6, active: 0 },
        }),
        pod: podOf({ namespace: "batch", name: "nightly-export-2911-x7k2p", phase: "Failed", containers: [containerOf({ ready: false, state: "terminated", lastTerminatedReason: "Error", lastTerminatedExitCode: 2 })] }),
        logs: ["starting export", "KeyError: 'EXPORT_BUCKET'"],
      }),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "job_failed", label: "job_failed_exit_2", classification: "actionable" },
  },
  {
    name: "k8s-rollout-stuck",
    intent: "Deployment rollout past its progress deadline with fewer replicas available",
    alert: alertOf({ alertname: "KubeDeploymentRolloutStuck", severity: "warning", namespace: "shop", deployment: "checkout" }),
    providers: {
      kubernetes: kubeOf({
        workload: workloadOf({
          ready: 2,
          updated: 1,
          available: 2,
          conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "checkout-8c7" has timed out progressing.' }],
        }),
      }),
      metrics: metricsOf({ kube_deployment_status_replicas_available: [3, 2, 2], kube_deployment_spec_replicas: [3, 3, 3] }),
    },
    expect: { family: "k8s_rollout_health", label: "suspected_rollout_stuck", classification: "actionable" },
  },
  {
    name: "node-not-ready",
    intent: "node whose kubelet stopped posting status",
    alert: alertOf({ alertname: "KubeNodeNotReady", severity: "critical", node: "node-b" }),
    providers: {
      kubernetes: kubeOf({
        node: nodeOf({
          name: "node-b",
          conditions: [{ type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." }, { type: "MemoryPressure", status: "False" }],
        }),
      }),
      alertmanager: alertmanagerOf(4),
    },
    expect: { family: "node_health", label: "suspected_node_not_ready", classification: "actionable" },
  },
  {
    name: "volume-filling",
    intent: "PVC usage climbing towards full",
    alert: alertOf({ alertname: "KubePersistentVolumeFillingUp", severity: "warning", namespace: "data", persistentvolumeclaim: "pg-data-0" }),
    providers: { metrics: metricsOf({ kubelet_volume_stats_used_bytes: [0.8, 0.86, 0.93] }), alertmanager: alertmanagerOf(0) },
    expect: { family: "volume_filling", label: "suspected_disk_filling", classification: "actionable" },
  },
  {
    name: "meta-watchdog",
    intent: "the always-firing Watchdog heartbeat",
    alert: alertOf({ alertname: "Watchdog", severity: "none" }),
    providers: { metrics: metricsOf({}), alertmanager: alertmanagerOf(0) },
    expect: { family: "meta", label: "heartbeat", classification: "informational" },
  },
  {
    name: "generic-unknown-alert",
    intent: "an alert no family knows: generic evidence only, a human has to look",
    alert: alertOf({ alertname: "PaymentsReconciliationLagging", severity: "warning", namespace: "payments", service: "reconciler" }),
    providers: { metrics: metricsOf({}), logs: logsOf(["reconciliation batch 4411 done in 912s"]), alertmanager: alertmanagerOf(0) },
    expect: { family: "generic", label: "unknown_needs_human", classification: "actionable" },
  },
  {
    name: "blocked-prometheus-down",
    intent: "Prometheus unreachable (connection refused from the real client): metrics evidence is a blocker",
    alert: alertOf({ alertname: "CPUThrottlingHigh", severity: "warning", ...pod }),
    providers: {
      kubernetes: kubeOf({ pod: podOf() }),
      metrics: createMetricsProvider({ baseUrl: CLOSED, timeoutMs: 2_000 }),
    },
    expect: { family: "cpu_throttling", label: "unknown_needs_human", classification: "actionable" },
  },
  {
    name: "blocked-logs-unavailable",
    intent: "logs backend unreachable (real Loki client) while metrics point at latency",
    alert: alertOf({ alertname: "APILatencyHigh", severity: "warning", namespace: "shop", service: "checkout" }),
    providers: {
      metrics: metricsOf({ http_request_duration_seconds_bucket: [0.2, 0.9, 1.4], http_requests_total: [50, 55, 52] }),
      logs: createLogsProvider({ baseUrl: CLOSED, backend: "loki", timeoutMs: 2_000 }),
      alertmanager: alertmanagerOf(0),
    },
    expect: { family: "latency", label: "unknown_needs_human", classification: "actionable" },
  },
  {
    name: "blocked-kubernetes-timeout",
    intent: "Kubernetes API never answers: every call times out and is recorded as such",
    alert: alertOf({ alertname: "KubePodCrashLooping", severity: "critical", ...pod }),
    providers: { kubernetes: hanging, metrics: metricsOf({}) },
    timeoutMs: 300,
    expect: { family: "crashloop", label: "unknown_needs_human", classification: "actionable" },
  },
  {
    name: "blocked-no-providers",
    intent: "nothing configured: the report says what is missing and what to run",
    alert: alertOf({ alertname: "KubePodCrashLooping", severity: "critical", ...pod }),
    providers: {},
    expect: { family: "crashloop", label: "unknown_needs_human", classification: "actionable" },
  },
];

async function record(s: Scenario): Promise<FixtureIndexEntry & { name: string }> {
  const recorder = recordProviders({ timeoutMs: s.timeoutMs ?? 1_000, ...s.providers });
  const input = investigationInput({ alert: s.alert, timeWindow: "1h" });
  const live = await investigateAlert({ ctx: { providers: recorder.providers, log: silentLog, now: () => NOW }, input });
  const text = `${JSON.stringify(recorder.recording({ now: NOW, recordedAt: NOW, alert: s.alert, timeWindow: input.timeWindow }), null, 2)}\n`;
  const source = `${s.name}.json`;
  const replayed = await replayInvestigation({ ctx: { log: silentLog }, input: { recording: parseRecording(text, source), source } });
  const liveJson = JSON.stringify(live, null, 2);
  const replayJson = JSON.stringify(replayed.json, null, 2);
  if (liveJson !== replayJson) throw new Error(`${s.name}: the replayed report differs from the live one`);
  const got = {
    family: replayed.json.family,
    label: replayed.json.analysis.enrichment.label,
    classification: replayed.json.analysis.verdict.classification,
  };
  if (JSON.stringify(got) !== JSON.stringify(s.expect)) {
    throw new Error(`${s.name}: expected ${JSON.stringify(s.expect)}, the engine said ${JSON.stringify(got)}`);
  }
  const golden = goldenPaths(s.name);
  writeFileSync(join(fixturesDir, source), text);
  writeFileSync(golden.markdown, replayed.markdown);
  writeFileSync(golden.json, `${replayJson}\n`);
  return { name: s.name, intent: s.intent, ...got };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(", ")}`);
  mkdirSync(join(fixturesDir, "golden"), { recursive: true });
  const index: Record<string, FixtureIndexEntry> = {};
  for (const s of scenarios) {
    if (only.length && !only.includes(s.name)) continue;
    const { name, ...entry } = await record(s);
    index[name] = entry;
    console.log(`${name}: ${entry.family} ${entry.label} ${entry.classification}`);
  }
  if (!only.length) writeFileSync(fixtureIndexPath, `${JSON.stringify(index, null, 2)}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
