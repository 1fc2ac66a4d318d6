import { type Family, familyOf } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { FakePodLog, KubeObject } from "@/test/helpers/fake-kubernetes";
import { type LokiStream, toNs } from "@/test/helpers/fake-loki";
import type { Blocker, Classification, HypothesisCategory } from "@/lib/investigate/vocabulary";

/**
 * Alert scenarios with the evidence a real cluster would hold: Prometheus samples to import into
 * VictoriaMetrics, Kubernetes objects and container logs for the fake API server, Loki streams.
 * Everything is timed relative to `now`; names carry `prefix` so scenarios never share series,
 * namespaces or nodes.
 */

export type Seed = { metrics: string[]; objects: KubeObject[]; podLogs: FakePodLog[]; streams: LokiStream[] };

export type Expected = {
  label: string;
  top: HypothesisCategory;
  classification: Classification;
  logs: "ok" | "empty" | "unavailable";
  /** Text the base triage, the enrichment or a hypothesis (its evidence for or against) must name. */
  mentions?: string[];
  /** The least confidence the top hypothesis must reach. */
  minConfidence?: number;
  /** Text the same reasoning must not name: a decoy in the seeded data the family must not pick. */
  absent?: string[];
};

export type Case = {
  alert: NormalizedAlert;
  seed: Seed;
  expected: Expected;
  /**
   * The family's queries are cluster-wide (no label of the alert scopes them), so the case's metrics go
   * into a VictoriaMetrics of their own: other cases stay free to write the same series.
   */
  ownMetrics?: true;
};

export type FamilyScenario = {
  family: Family;
  /** Alert firing, evidence healthy. */
  healthy: Case;
  /** Alert firing, root cause present in the evidence. */
  firing: Case;
  /** Blockers of the firing alert when every provider is down. */
  blocked: Blocker[];
  /** Further firing cases: other alerts of the family, and look-alikes whose cause differs. */
  variants?: Array<Case & { name: string }>;
};

type Labels = Record<string, string>;
type Ctx = { now: Date; prefix: string };

const STEP_S = 30;
const SPAN_MIN = 70;
const MiB = 2 ** 20;

function ago(ctx: Ctx, minutes: number): Date {
  return new Date(ctx.now.getTime() - minutes * 60_000);
}

function seriesName(name: string, labels: Labels): string {
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  return `${name}{${inner}}`;
}

/** One sample every 30 s over the last 70 minutes, in Prometheus text format with ms timestamps; NaN leaves a gap (the series is absent then). */
function gauge(ctx: Ctx, name: string, labels: Labels, at: (minutesAgo: number) => number): string[] {
  const out: string[] = [];
  const id = seriesName(name, labels);
  for (let s = SPAN_MIN * 60; s >= 0; s -= STEP_S) {
    const v = at(s / 60);
    if (!Number.isNaN(v)) out.push(`${id} ${v} ${ctx.now.getTime() - s * 1000}`);
  }
  return out;
}

/** A monotonically increasing counter whose rate at each moment is `perSecond(minutesAgo)`. */
function counter(ctx: Ctx, name: string, labels: Labels, perSecond: (minutesAgo: number) => number): string[] {
  const out: string[] = [];
  const id = seriesName(name, labels);
  let total = 1_000;
  for (let s = SPAN_MIN * 60; s >= 0; s -= STEP_S) {
    total += perSecond(s / 60) * STEP_S;
    out.push(`${id} ${total} ${ctx.now.getTime() - s * 1000}`);
  }
  return out;
}

function stream(ctx: Ctx, labels: Labels, lines: string[]): LokiStream {
  return { stream: labels, values: lines.map((line, i) => [toNs(ago(ctx, 30 - i)), line]) };
}

function alert(ctx: Ctx, labels: Labels): NormalizedAlert {
  const alertname = labels.alertname as string;
  return {
    fingerprint: `fp-${ctx.prefix}-${Object.values(labels).join("-")}`,
    status: "firing",
    alertname,
    labels,
    annotations: {},
    startsAt: ago(ctx, 20).toISOString(),
    endsAt: null,
    generatorURL: null,
    externalURL: null,
    receiver: "tarka",
  };
}

type ContainerSpec = {
  ready: boolean;
  restartCount?: number;
  state?: Record<string, unknown>;
  lastState?: Record<string, unknown>;
  limits?: Labels;
};

function podObject(
  ctx: Ctx,
  p: { namespace: string; name: string; node?: string; phase: string; labels?: Labels; owner?: { kind: string; name: string }; container: ContainerSpec },
): KubeObject {
  const c = p.container;
  const owner = p.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: p.owner.kind, name: p.owner.name, uid: `${p.namespace}-${p.owner.name}-uid`, controller: true }] } : {};
  return {
    kind: "Pod",
    metadata: { name: p.name, namespace: p.namespace, labels: { app: p.name, ...p.labels }, creationTimestamp: ago(ctx, 600).toISOString(), ...owner },
    spec: {
      ...(p.node ? { nodeName: p.node } : {}),
      containers: [
        {
          name: "app",
          image: "registry.example/app:1.2.3",
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: c.limits ?? { cpu: "500m", memory: "256Mi" } },
        },
      ],
    },
    status: {
      phase: p.phase,
      startTime: ago(ctx, 600).toISOString(),
      conditions: [{ type: "Ready", status: c.ready ? "True" : "False" }],
      containerStatuses: [
        {
          name: "app",
          image: "registry.example/app:1.2.3",
          imageID: "",
          ready: c.ready,
          restartCount: c.restartCount ?? 0,
          state: c.state ?? { running: { startedAt: ago(ctx, 600).toISOString() } },
          lastState: c.lastState ?? {},
        },
      ],
    },
  };
}

function nodeObject(name: string, conditions: Array<{ type: string; status: string; reason?: string; message?: string }>): KubeObject {
  return { kind: "Node", metadata: { name }, spec: {}, status: { conditions, allocatable: { cpu: "4", memory: "16Gi" } } };
}

const healthyNode = [
  { type: "Ready", status: "True", reason: "KubeletReady" },
  { type: "MemoryPressure", status: "False" },
  { type: "DiskPressure", status: "False" },
];

function eventObject(ctx: Ctx, namespace: string, involved: { kind: string; name: string }, reason: string, message: string): KubeObject {
  return {
    kind: "Event",
    metadata: { name: `${involved.name}.${reason.toLowerCase()}`, namespace },
    involvedObject: { ...involved, namespace },
    reason,
    message,
    type: "Warning",
    count: 5,
    firstTimestamp: ago(ctx, 15).toISOString(),
    lastTimestamp: ago(ctx, 1).toISOString(),
  };
}

function emptySeed(): Seed {
  return { metrics: [], objects: [], podLogs: [], streams: [] };
}

function mk(ctx: Ctx, labels: Labels, seed: Partial<Seed>, expected: Expected): Case {
  return { alert: alert(ctx, labels), seed: { ...emptySeed(), ...seed }, expected };
}

const neutralLines = ["GET /healthz 200 1ms", "served 120 requests in the last minute"];

function podScenario(ctx: Ctx, key: string, state: "ok" | "bad") {
  const namespace = `${ctx.prefix}-${key}-${state}`;
  const pod = `${key}-7d9f8-${state}`;
  const node = `${ctx.prefix}-${key}-${state}-node`;
  // Owned like a Deployment's pod, so actions can name the workload to change (inferred from the ReplicaSet's name).
  return { namespace, pod, node, owner: { kind: "ReplicaSet", name: `${key}-7d9f8` }, labels: { namespace, pod, container: "app" } };
}

function crashloop(ctx: Ctx): FamilyScenario {
  const bad = podScenario(ctx, "crash", "bad");
  const ok = podScenario(ctx, "crash", "ok");
  return {
    family: "crashloop",
    firing: mk(
      ctx,
      { alertname: "KubePodCrashLooping", severity: "critical", ...bad.labels },
      {
        metrics: [
          ...gauge(ctx, "container_memory_working_set_bytes", bad.labels, (m) => 2e8 + (6.8e7 * (SPAN_MIN - m)) / SPAN_MIN),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...bad.labels, resource: "memory" }, () => 256 * MiB),
          ...counter(ctx, "kube_pod_container_status_restarts_total", bad.labels, () => 1 / 480),
          ...gauge(ctx, "kube_pod_container_status_ready", bad.labels, () => 0),
        ],
        objects: [
          podObject(ctx, {
            ...bad,
            name: bad.pod,
            phase: "Running",
            container: {
              ready: false,
              restartCount: 7,
              state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=app" } },
              lastState: { terminated: { reason: "OOMKilled", exitCode: 137, startedAt: ago(ctx, 5).toISOString(), finishedAt: ago(ctx, 3).toISOString() } },
            },
          }),
          nodeObject(bad.node, healthyNode),
          eventObject(ctx, bad.namespace, { kind: "Pod", name: bad.pod }, "BackOff", "Back-off restarting failed container app"),
        ],
        podLogs: [{ namespace: bad.namespace, pod: bad.pod, container: "app", previous: true, lines: ["loading catalogue", "allocating cache for 1.2M items"] }],
        streams: [stream(ctx, bad.labels, ["loading catalogue", "allocating cache for 1.2M items"])],
      },
      { label: "suspected_oom_crash", top: "oom", classification: "actionable", logs: "ok" },
    ),
    healthy: mk(
      ctx,
      { alertname: "KubePodCrashLooping", severity: "critical", ...ok.labels },
      {
        metrics: [
          ...gauge(ctx, "container_memory_working_set_bytes", ok.labels, () => 1e8),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...ok.labels, resource: "memory" }, () => 256 * MiB),
          ...counter(ctx, "kube_pod_container_status_restarts_total", ok.labels, () => 0),
          ...gauge(ctx, "kube_pod_container_status_ready", ok.labels, () => 1),
        ],
        objects: [
          podObject(ctx, {
            ...ok,
            name: ok.pod,
            phase: "Running",
            container: {
              ready: true,
              restartCount: 2,
              lastState: { terminated: { reason: "Completed", exitCode: 0, finishedAt: ago(ctx, 300).toISOString() } },
            },
          }),
          nodeObject(ok.node, healthyNode),
        ],
        streams: [stream(ctx, ok.labels, neutralLines)],
      },
      { label: "unknown_needs_human", top: "unknown", classification: "artifact", logs: "ok" },
    ),
    blocked: ["B", "C", "D"],
    variants: [
      crashWithLogs(ctx, "crashenv", "missing environment variable: a configuration error, not an app crash", ["starting api", "Error: environment variable DATABASE_URL is not set"], {
        label: "suspected_config_or_permission_error",
        top: "config_error",
        classification: "actionable",
        logs: "ok",
        mentions: ["Configuration error: DATABASE_URL"],
      }),
      crashWithLogs(ctx, "crashspring", "Spring placeholder unresolved: a configuration error in Java wording", ["Application run failed", "java.lang.IllegalArgumentException: Could not resolve placeholder 'DB_URL' in value \"${DB_URL}\""], {
        label: "suspected_config_or_permission_error",
        top: "config_error",
        classification: "actionable",
        logs: "ok",
      }),
      crashWithLogs(ctx, "crashdep", "database refuses connections: the dependency, named with its address", ["booting", "dial tcp 10.3.0.9:5432: connect: connection refused", "dial tcp 10.3.0.9:5432: connect: connection refused"], {
        label: "suspected_dependency_unavailable",
        top: "dependency_unavailable",
        classification: "actionable",
        logs: "ok",
        mentions: ["10.3.0.9:5432"],
      }),
      ...(
        [
          ["crashrust", "Rust", ["thread 'main' panicked at src/main.rs:12:5:", "SESSION_KEY: environment variable not found"]],
          ["crashnode", "Node", ["Error: ENOENT: no such file or directory, open '/etc/app/settings.json'", "    at Object.openSync (node:fs:573:18)"]],
          ["crashgo", "Go", ["flag provided but not defined: -listen-adress", "Usage of /app:"]],
        ] as const
      ).map(([key, language, lines]) =>
        crashWithLogs(ctx, key, `a configuration error in ${language} wording`, [...lines], { label: "suspected_config_or_permission_error", top: "config_error", classification: "actionable", logs: "ok" }),
      ),
      crashloopMetricsOnly(ctx),
      crashWithLogs(ctx, "crashpanic", "a panic with no configuration wording stays an application crash", ["serving on :8080", "panic: runtime error: index out of range [3] with length 3"], {
        label: "suspected_app_runtime_failure",
        top: "app_crash",
        classification: "actionable",
        logs: "ok",
      }),
    ],
  };
}

/** The pod is gone from the API (replaced before anyone looked): memory at the limit while restarts rise is the evidence left. */
function crashloopMetricsOnly(ctx: Ctx): Case & { name: string } {
  const p = podScenario(ctx, "crashgone", "bad");
  return {
    name: "no pod left to read: an OOM kill inferred from metrics, said to be an inference",
    ...mk(
      ctx,
      { alertname: "KubePodCrashLooping", severity: "critical", ...p.labels },
      {
        metrics: [
          ...counter(ctx, "kube_pod_container_status_restarts_total", p.labels, () => 1 / 300),
          ...gauge(ctx, "container_memory_working_set_bytes", p.labels, (m) => (m % 6 < 1 ? 300 : 505) * MiB),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...p.labels, resource: "memory" }, () => 512 * MiB),
        ],
      },
      { label: "suspected_oom_crash", top: "oom", classification: "actionable", logs: "empty", mentions: ["inferred from metrics only"] },
    ),
  };
}

/** A container in CrashLoopBackOff after exiting 1, whose previous instance logged `lines`. */
function crashWithLogs(ctx: Ctx, key: string, name: string, lines: string[], expected: Expected): Case & { name: string } {
  const p = podScenario(ctx, key, "bad");
  return {
    name,
    ...mk(
      ctx,
      { alertname: "KubePodCrashLooping", severity: "critical", ...p.labels },
      {
        metrics: [
          ...counter(ctx, "kube_pod_container_status_restarts_total", p.labels, () => 1 / 300),
          ...gauge(ctx, "kube_pod_container_status_ready", p.labels, () => 0),
          ...gauge(ctx, "container_memory_working_set_bytes", p.labels, () => 6e7),
        ],
        objects: [
          podObject(ctx, {
            ...p,
            name: p.pod,
            phase: "Running",
            container: {
              ready: false,
              restartCount: 6,
              state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 2m40s restarting failed container=app" } },
              lastState: { terminated: { reason: "Error", exitCode: 1, startedAt: ago(ctx, 3).toISOString(), finishedAt: ago(ctx, 2).toISOString() } },
            },
          }),
          nodeObject(p.node, healthyNode),
          eventObject(ctx, p.namespace, { kind: "Pod", name: p.pod }, "BackOff", "Back-off restarting failed container app"),
        ],
        podLogs: [{ namespace: p.namespace, pod: p.pod, container: "app", previous: true, lines }],
        streams: [stream(ctx, p.labels, lines)],
      },
      expected,
    ),
  };
}

function podNotHealthy(ctx: Ctx): FamilyScenario {
  const bad = podScenario(ctx, "unhealthy", "bad");
  const ok = podScenario(ctx, "unhealthy", "ok");
  const image = "registry.example/app:1.2.4";
  return {
    family: "pod_not_healthy",
    firing: mk(
      ctx,
      { alertname: "KubernetesPodNotHealthy", severity: "critical", ...bad.labels },
      {
        metrics: [
          ...gauge(ctx, "kube_pod_container_status_ready", bad.labels, () => 0),
          ...counter(ctx, "kube_pod_container_status_restarts_total", bad.labels, () => 0),
        ],
        objects: [
          podObject(ctx, {
            ...bad,
            name: bad.pod,
            phase: "Pending",
            container: { ready: false, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } } },
          }),
          nodeObject(bad.node, healthyNode),
          eventObject(ctx, bad.namespace, { kind: "Pod", name: bad.pod }, "Failed", `Failed to pull image "${image}": manifest unknown`),
        ],
      },
      // A container that never started has no logs anywhere: logs are empty, not unavailable.
      { label: "suspected_image_pull_backoff", top: "image_pull", classification: "actionable", logs: "empty" },
    ),
    healthy: mk(
      ctx,
      { alertname: "KubernetesPodNotHealthy", severity: "critical", ...ok.labels },
      {
        metrics: [
          ...gauge(ctx, "kube_pod_container_status_ready", ok.labels, () => 1),
          ...counter(ctx, "kube_pod_container_status_restarts_total", ok.labels, () => 0),
        ],
        objects: [podObject(ctx, { ...ok, name: ok.pod, phase: "Running", container: { ready: true } }), nodeObject(ok.node, healthyNode)],
        streams: [stream(ctx, ok.labels, neutralLines)],
      },
      { label: "unknown_needs_human", top: "unknown", classification: "artifact", logs: "ok" },
    ),
    blocked: ["B", "C", "D"],
    variants: [unschedulablePod(ctx), missingSecretPod(ctx), notReadyPod(ctx)],
  };
}

function pendingPod(ctx: Ctx, key: string, alertname: string, container: ContainerSpec, phase: string, event: [string, string] | null, withNode = true) {
  const p = podScenario(ctx, key, "bad");
  return mk(
    ctx,
    { alertname, severity: "warning", ...p.labels },
    {
      metrics: [...gauge(ctx, "kube_pod_container_status_ready", p.labels, () => 0), ...counter(ctx, "kube_pod_container_status_restarts_total", p.labels, () => 0)],
      objects: [
        podObject(ctx, { ...p, ...(withNode ? {} : { node: undefined }), name: p.pod, phase, container }),
        ...(withNode ? [nodeObject(p.node, healthyNode)] : []),
        ...(event ? [eventObject(ctx, p.namespace, { kind: "Pod", name: p.pod }, event[0], event[1])] : []),
      ],
    },
    { label: "", top: "unknown", classification: "actionable", logs: "empty" },
  );
}

/** KubePodNotReady, from its runbook: a Pending pod whose events say no node fits its requests. */
function unschedulablePod(ctx: Ctx): Case & { name: string } {
  const c = pendingPod(ctx, "sched", "KubePodNotReady", { ready: false, state: { waiting: { reason: "ContainerCreating" } } }, "Pending", ["FailedScheduling", "0/3 nodes are available: 3 Insufficient memory."], false);
  return { name: "Pending on FailedScheduling", ...c, expected: { ...c.expected, label: "suspected_scheduling_or_node_pressure", top: "scheduling", mentions: ["Insufficient memory"] } };
}

/** The look-alike of a crash: the container never starts because a Secret it reads is missing. */
function missingSecretPod(ctx: Ctx): Case & { name: string } {
  const c = pendingPod(ctx, "secret", "KubernetesPodNotHealthy", { ready: false, state: { waiting: { reason: "CreateContainerConfigError", message: 'secret "checkout-db" not found' } } }, "Pending", null);
  return { name: "CreateContainerConfigError on a missing Secret", ...c, expected: { ...c.expected, label: "suspected_config_error", top: "config_error", mentions: ['secret "checkout-db" not found'] } };
}

/** Running but not ready: the readiness probe fails, nothing crashes. */
function notReadyPod(ctx: Ctx): Case & { name: string } {
  const c = pendingPod(ctx, "ready", "KubePodNotReady", { ready: false }, "Running", ["Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"]);
  return { name: "Readiness probe failing", ...c, expected: { ...c.expected, label: "suspected_readiness_failure", top: "probe_failure", mentions: ["Readiness probe failed"] } };
}

function oomKilled(ctx: Ctx): FamilyScenario {
  const bad = podScenario(ctx, "oom", "bad");
  const ok = podScenario(ctx, "oom", "ok");
  return {
    family: "oom_killed",
    firing: mk(
      ctx,
      { alertname: "KubernetesContainerOomKiller", severity: "warning", ...bad.labels },
      {
        metrics: [
          // Flat at 60 MB, then a climb to 260 MB in the last ten minutes.
          ...gauge(ctx, "container_memory_working_set_bytes", bad.labels, (m) => (m > 10 ? 6e7 : 6e7 + 2e7 * (10 - m))),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...bad.labels, resource: "memory" }, () => 256 * MiB),
          ...counter(ctx, "container_oom_events_total", bad.labels, (m) => (m > 4.9 && m <= 5.4 ? 1 / 30 : 0)),
        ],
        objects: [
          podObject(ctx, {
            ...bad,
            name: bad.pod,
            phase: "Running",
            container: {
              ready: true,
              restartCount: 2,
              lastState: { terminated: { reason: "OOMKilled", exitCode: 137, finishedAt: ago(ctx, 5).toISOString() } },
            },
          }),
          nodeObject(bad.node, healthyNode),
        ],
        streams: [stream(ctx, bad.labels, neutralLines)],
      },
      { label: "suspected_memory_leak_or_spike", top: "memory_leak", classification: "actionable", logs: "ok" },
    ),
    healthy: mk(
      ctx,
      { alertname: "KubernetesContainerOomKiller", severity: "warning", ...ok.labels },
      {
        metrics: [
          ...gauge(ctx, "container_memory_working_set_bytes", ok.labels, () => 6e7),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...ok.labels, resource: "memory" }, () => 256 * MiB),
          ...counter(ctx, "container_oom_events_total", ok.labels, () => 0),
        ],
        objects: [podObject(ctx, { ...ok, name: ok.pod, phase: "Running", container: { ready: true } }), nodeObject(ok.node, healthyNode)],
        streams: [stream(ctx, ok.labels, neutralLines)],
      },
      { label: "unknown_needs_human", top: "unknown", classification: "artifact", logs: "ok" },
    ),
    blocked: ["B", "D"],
    variants: [oomLimitTooLow(ctx, "flat"), oomLimitTooLow(ctx, "jump")],
  };
}

/** Look-alikes of a leak: usage flat near the limit, or one jump to it at start-up — the limit is too low. */
function oomLimitTooLow(ctx: Ctx, shape: "flat" | "jump"): Case & { name: string } {
  const p = podScenario(ctx, `oom${shape}`, "bad");
  const usage = shape === "flat" ? (m: number) => 240 * MiB + (m % 3) * MiB : (m: number) => (m > 30 ? 40 * MiB : 250 * MiB);
  return {
    name: shape === "flat" ? "OOM kill with usage flat near the limit" : "OOM kill after a jump straight to the limit",
    ...mk(
      ctx,
      { alertname: "KubernetesContainerOomKiller", severity: "warning", ...p.labels },
      {
        metrics: [
          ...gauge(ctx, "container_memory_working_set_bytes", p.labels, usage),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...p.labels, resource: "memory" }, () => 256 * MiB),
          ...counter(ctx, "container_oom_events_total", p.labels, (m) => (m > 4.9 && m <= 5.4 ? 1 / 30 : 0)),
        ],
        objects: [
          podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true, restartCount: 3, lastState: { terminated: { reason: "OOMKilled", exitCode: 137, finishedAt: ago(ctx, 5).toISOString() } } } }),
          nodeObject(p.node, healthyNode),
        ],
        streams: [stream(ctx, p.labels, neutralLines)],
      },
      {
        label: "suspected_oom_limit_too_low",
        top: "oom",
        classification: "actionable",
        logs: "ok",
        mentions: [shape === "flat" ? "usage sits near the limit on average" : "usage jumped to the limit in one step"],
      },
    ),
  };
}

function cpuThrottling(ctx: Ctx): FamilyScenario {
  const bad = podScenario(ctx, "cpu", "bad");
  const ok = podScenario(ctx, "cpu", "ok");
  const series = (labels: Labels, usage: number, throttled: number) => [
    ...counter(ctx, "container_cpu_usage_seconds_total", labels, () => usage),
    ...counter(ctx, "container_cpu_cfs_periods_total", labels, () => 10),
    ...counter(ctx, "container_cpu_cfs_throttled_periods_total", labels, () => throttled),
    ...gauge(ctx, "kube_pod_container_resource_limits", { ...labels, resource: "cpu" }, () => 0.5),
  ];
  return {
    family: "cpu_throttling",
    firing: mk(
      ctx,
      { alertname: "CPUThrottlingHigh", severity: "warning", ...bad.labels },
      {
        metrics: series(bad.labels, 0.47, 4),
        objects: [podObject(ctx, { ...bad, name: bad.pod, phase: "Running", container: { ready: true } }), nodeObject(bad.node, healthyNode)],
        streams: [stream(ctx, bad.labels, neutralLines)],
      },
      { label: "suspected_cpu_limit_too_low", top: "cpu_limit", classification: "actionable", logs: "ok" },
    ),
    healthy: mk(
      ctx,
      { alertname: "CPUThrottlingHigh", severity: "warning", ...ok.labels },
      {
        metrics: series(ok.labels, 0.05, 0),
        objects: [podObject(ctx, { ...ok, name: ok.pod, phase: "Running", container: { ready: true } }), nodeObject(ok.node, healthyNode)],
        streams: [stream(ctx, ok.labels, neutralLines)],
      },
      { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "ok" },
    ),
    blocked: ["B", "D"],
    variants: [
      {
        // The look-alike of a low limit: bursts use up the 100 ms quota while average usage stays low.
        name: "throttled in bursts with usage far below the limit",
        ...(() => {
          const p = podScenario(ctx, "cpuburst", "bad");
          return mk(
            ctx,
            { alertname: "CPUThrottlingHigh", severity: "info", ...p.labels },
            {
              metrics: series(p.labels, 0.11, 3),
              objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
              streams: [stream(ctx, p.labels, neutralLines)],
            },
            { label: "suspected_cfs_throttle_but_usage_low", top: "cpu_limit", classification: "informational", logs: "ok", mentions: ["short bursts exhaust the 100 ms CFS quota"] },
          );
        })(),
      },
      (() => {
        const p = podScenario(ctx, "cpuflap", "bad");
        const labels = { alertname: "CPUThrottlingHigh", severity: "warning", ...p.labels };
        return {
          // ALERTS has a point only while the alert fires: it started firing again every ten minutes.
          name: "the same burst throttling, alert flapping: noisy",
          ...mk(
            ctx,
            labels,
            {
              metrics: [...series(p.labels, 0.12, 3), ...gauge(ctx, "ALERTS", { ...labels, alertstate: "firing" }, (m) => (Math.floor(m / 5) % 2 === 0 ? 1 : Number.NaN))],
              objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
              streams: [stream(ctx, p.labels, neutralLines)],
            },
            { label: "suspected_cfs_throttle_but_usage_low", top: "cpu_limit", classification: "noisy", logs: "ok" },
          ),
        };
      })(),
      {
        name: "no CPU limit in the container spec (a LimitRange default throttles it)",
        ...(() => {
          const p = podScenario(ctx, "cpunolimit", "bad");
          return mk(
            ctx,
            { alertname: "CPUThrottlingHigh", severity: "warning", ...p.labels },
            {
              metrics: [
                ...counter(ctx, "container_cpu_usage_seconds_total", p.labels, () => 0.2),
                ...counter(ctx, "container_cpu_cfs_periods_total", p.labels, () => 10),
                ...counter(ctx, "container_cpu_cfs_throttled_periods_total", p.labels, () => 5),
              ],
              objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true, limits: { memory: "256Mi" } } }), nodeObject(p.node, healthyNode)],
              streams: [stream(ctx, p.labels, neutralLines)],
            },
            { label: "suspected_missing_cpu_limit", top: "cpu_limit", classification: "actionable", logs: "ok", mentions: ["declares no CPU limit"] },
          );
        })(),
      },
    ],
  };
}

function serviceOf(ctx: Ctx, key: string, state: "ok" | "bad") {
  return { namespace: `${ctx.prefix}-${key}-${state}`, service: "checkout" };
}

function http5xx(ctx: Ctx): FamilyScenario {
  const bad = serviceOf(ctx, "http", "bad");
  const ok = serviceOf(ctx, "http", "ok");
  const requests = (labels: Labels, errors: (m: number) => number) => [
    ...counter(ctx, "http_requests_total", { ...labels, code: "200" }, () => 10),
    ...counter(ctx, "http_requests_total", { ...labels, code: "502" }, errors),
  ];
  const refused = `upstream error: dial tcp payments.${bad.namespace}.svc:8443: connect: connection refused`;
  return {
    family: "http_5xx",
    firing: mk(
      ctx,
      { alertname: "Http5xxRateHigh", severity: "critical", ...bad },
      {
        metrics: requests(bad, (m) => (m < 25 ? 3 : 0)),
        streams: [stream(ctx, bad, ["POST /pay 502 12ms", refused, refused, refused])],
      },
      { label: "suspected_dependency_failure", top: "dependency_unavailable", classification: "actionable", logs: "ok" },
    ),
    healthy: mk(
      ctx,
      { alertname: "Http5xxRateHigh", severity: "critical", ...ok },
      { metrics: requests(ok, () => 0), streams: [stream(ctx, ok, ["POST /pay 200 12ms", "POST /pay 200 9ms"])] },
      { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "ok" },
    ),
    blocked: ["B", "C", "D"],
    variants: [serviceRolloutRegression(ctx), serviceRolloutLogs(ctx), dependencyDown(ctx)],
  };
}

function latency(ctx: Ctx): FamilyScenario {
  const bad = serviceOf(ctx, "latency", "bad");
  const ok = serviceOf(ctx, "latency", "ok");
  // Cumulative histogram buckets: `slowShare` of the 20 req/s take longer than 1 s.
  const histogram = (labels: Labels, slowShare: (m: number) => number) =>
    [
      ["0.1", (m: number) => 20 * (1 - slowShare(m)) * 0.5],
      ["0.5", (m: number) => 20 * (1 - slowShare(m))],
      ["1", (m: number) => 20 * (1 - slowShare(m))],
      ["2.5", () => 20],
      ["+Inf", () => 20],
    ].flatMap(([le, rate]) =>
      counter(ctx, "http_request_duration_seconds_bucket", { ...labels, le: le as string }, rate as (m: number) => number),
    );
  return {
    family: "latency",
    firing: mk(
      ctx,
      { alertname: "APILatencyHigh", severity: "warning", ...bad },
      {
        metrics: [...histogram(bad, (m) => (m < 25 ? 0.4 : 0.01)), ...counter(ctx, "http_requests_total", { ...bad, code: "200" }, () => 20)],
        streams: [
          stream(ctx, bad, [
            "ERROR canceling statement due to statement timeout",
            "WARN slow query: SELECT * FROM orders WHERE customer_id = $1 took 4200ms",
            "WARN slow query: SELECT * FROM order_lines took 3100ms",
          ]),
        ],
      },
      { label: "suspected_database_slow", top: "database_slow", classification: "actionable", logs: "ok" },
    ),
    healthy: mk(
      ctx,
      { alertname: "APILatencyHigh", severity: "warning", ...ok },
      {
        metrics: [...histogram(ok, () => 0), ...counter(ctx, "http_requests_total", { ...ok, code: "200" }, () => 20)],
        streams: [stream(ctx, ok, ["GET /orders 200 40ms", "GET /orders 200 38ms"])],
      },
      { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "ok" },
    ),
    blocked: ["B", "C", "D"],
    variants: [latencySaturation(ctx), latencySlowDatabase(ctx), latencyFromUpstream(ctx)],
  };
}

function targetDown(ctx: Ctx): FamilyScenario {
  const labelsOf = (state: string) => ({ namespace: `${ctx.prefix}-targets-${state}`, job: `node-exporter-${state}` });
  const ups = (labels: Labels, downFrom: number) =>
    [1, 2, 3, 4, 5, 6].flatMap((i) => gauge(ctx, "up", { ...labels, instance: `10.0.0.${i}:9100` }, (m) => (i <= downFrom && m < 30 ? 0 : 1)));
  const bad = labelsOf("bad");
  const ok = labelsOf("ok");
  return {
    family: "target_down",
    firing: mk(
      ctx,
      { alertname: "TargetDown", severity: "warning", ...bad },
      { metrics: ups(bad, 5) },
      { label: "suspected_job_wide_scrape_failure", top: "scrape_failure", classification: "actionable", logs: "empty" },
    ),
    healthy: mk(
      ctx,
      { alertname: "TargetDown", severity: "warning", ...ok },
      { metrics: ups(ok, 0) },
      { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "empty" },
    ),
    blocked: ["D"],
    variants: [
      {
        // The look-alike of a scrape failure: one process is down, its five siblings answer.
        name: "one endpoint of six down",
        ...mk(
          ctx,
          { alertname: "TargetDown", severity: "warning", ...labelsOf("one") },
          { metrics: ups(labelsOf("one"), 1) },
          { label: "suspected_single_endpoint_down", top: "app_crash", classification: "actionable", logs: "empty", mentions: ["1 of 6 targets"] },
        ),
      },
      {
        name: "every endpoint of the job down (scrape config, network policy or TLS)",
        ...mk(
          ctx,
          { alertname: "TargetDown", severity: "critical", ...labelsOf("all") },
          { metrics: ups(labelsOf("all"), 6) },
          { label: "suspected_job_wide_scrape_failure", top: "scrape_failure", classification: "actionable", logs: "empty", mentions: ["6 of 6 targets"] },
        ),
      },
    ],
  };
}

function jobFailed(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad") => {
    const namespace = `${ctx.prefix}-batch-${state}`;
    const name = `nightly-export-${state}`;
    const failed = state === "bad";
    const job: KubeObject = {
      kind: "Job",
      metadata: { name, namespace, uid: `${ctx.prefix}-job-${state}`, labels: { "job-name": name } },
      spec: { completions: 1, backoffLimit: 6, template: { spec: { containers: [{ name: "app", image: "registry.example/export:3.1" }] } } },
      status: failed
        ? { failed: 6, startTime: ago(ctx, 40).toISOString(), conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] }
        : { succeeded: 1, startTime: ago(ctx, 40).toISOString(), completionTime: ago(ctx, 30).toISOString(), conditions: [{ type: "Complete", status: "True" }] },
    };
    const podName = `${name}-x7k2p`;
    const pod = podObject(ctx, {
      namespace,
      name: podName,
      phase: failed ? "Failed" : "Succeeded",
      labels: { "job-name": name },
      container: {
        ready: false,
        state: { terminated: failed ? { reason: "Error", exitCode: 2, finishedAt: ago(ctx, 25).toISOString() } : { reason: "Completed", exitCode: 0, finishedAt: ago(ctx, 30).toISOString() } },
      },
    });
    const lines = failed ? ["starting export", "KeyError: 'EXPORT_BUCKET'"] : ["starting export", "export finished: 1204 rows"];
    return {
      labels: { namespace, job_name: name },
      seed: {
        metrics: gauge(ctx, "kube_job_status_failed", { namespace, job_name: name }, (m) => (failed && m < 30 ? 6 : 0)),
        objects: [job, pod],
        podLogs: [{ namespace, pod: podName, container: "app", lines }],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "job_failed",
    // The logs backend has nothing for the Job: the pod's own log from the API server is the evidence.
    firing: mk(ctx, { alertname: "KubeJobFailed", severity: "warning", ...bad.labels }, bad.seed, { label: "job_failed_exit_2", top: "config_error", classification: "actionable", logs: "ok" }),
    healthy: mk(ctx, { alertname: "KubeJobFailed", severity: "warning", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "ok" }),
    blocked: ["B", "C", "D"],
    variants: [cronJobFailed(ctx), jobDeadlineExceeded(ctx)],
  };
}

/** The look-alike of a crashing Job: nothing failed inside it, it ran past its activeDeadlineSeconds and was stopped. */
function jobDeadlineExceeded(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-batch-slow`;
  const name = "reindex-slow";
  const podName = `${name}-q8w3z`;
  const job: KubeObject = {
    kind: "Job",
    metadata: { name, namespace, uid: `${ctx.prefix}-job-slow`, labels: { "job-name": name } },
    spec: { completions: 1, backoffLimit: 2, activeDeadlineSeconds: 1800, template: { spec: { containers: [{ name: "app", image: "registry.example/reindex:2.0" }] } } },
    status: { failed: 1, startTime: ago(ctx, 50).toISOString(), conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }] },
  };
  const pod = podObject(ctx, {
    namespace,
    name: podName,
    phase: "Failed",
    labels: { "job-name": name },
    container: { ready: false, state: { terminated: { reason: "Error", exitCode: 143, finishedAt: ago(ctx, 20).toISOString() } } },
  });
  const lines = ["reindexing 48 000 000 documents", "progress 61% after 29m"];
  return {
    name: "Job stopped at its activeDeadlineSeconds",
    ...mk(
      ctx,
      { alertname: "KubeJobFailed", severity: "warning", namespace, job_name: name },
      { metrics: gauge(ctx, "kube_job_status_failed", { namespace, job_name: name }, (m) => (m < 20 ? 1 : 0)), objects: [job, pod], podLogs: [{ namespace, pod: podName, container: "app", lines }] },
      { label: "job_deadline_exceeded", top: "saturation", classification: "actionable", logs: "ok", mentions: ["DeadlineExceeded"] },
    ),
  };
}

function rollout(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad") => {
    const namespace = `${ctx.prefix}-rollout-${state}`;
    const name = "checkout";
    const uid = `${ctx.prefix}-deploy-${state}`;
    const stuck = state === "bad";
    const template = (image: string) => ({ metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image }] } });
    const rs = (revision: string, createdMinutesAgo: number, image: string): KubeObject => ({
      kind: "ReplicaSet",
      metadata: {
        name: `${name}-r${revision}`,
        namespace,
        labels: { app: name },
        annotations: { "deployment.kubernetes.io/revision": revision },
        creationTimestamp: ago(ctx, createdMinutesAgo).toISOString(),
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, uid, controller: true }],
      },
      spec: { replicas: 3, selector: { matchLabels: { app: name } }, template: template(image) },
      status: { replicas: 3 },
    });
    const deployment: KubeObject = {
      kind: "Deployment",
      metadata: { name, namespace, uid, generation: 5 },
      spec: { replicas: 3, selector: { matchLabels: { app: name } }, template: template("registry.example/app:1.3.0") },
      status: stuck
        ? {
            observedGeneration: 5,
            replicas: 3,
            updatedReplicas: 1,
            readyReplicas: 2,
            availableReplicas: 2,
            conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: `ReplicaSet "${name}-r5" has timed out progressing.` }],
          }
        : {
            observedGeneration: 5,
            replicas: 3,
            updatedReplicas: 3,
            readyReplicas: 3,
            availableReplicas: 3,
            conditions: [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }],
          },
    };
    const labels = { namespace, deployment: name };
    return {
      labels,
      seed: {
        metrics: [
          ...gauge(ctx, "kube_deployment_status_replicas_available", labels, (m) => (stuck && m < 25 ? 2 : 3)),
          ...gauge(ctx, "kube_deployment_spec_replicas", labels, () => 3),
        ],
        objects: [deployment, rs("5", 25, "registry.example/app:1.3.0"), rs("4", 60 * 24 * 10, "registry.example/app:1.2.3")],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "k8s_rollout_health",
    firing: mk(ctx, { alertname: "KubeDeploymentRolloutStuck", severity: "warning", ...bad.labels }, bad.seed, { label: "suspected_rollout_stuck", top: "bad_rollout", classification: "actionable", logs: "empty" }),
    healthy: mk(ctx, { alertname: "KubeDeploymentRolloutStuck", severity: "warning", ...ok.labels }, ok.seed, { label: "recovered", top: "noise", classification: "artifact", logs: "empty" }),
    blocked: ["B", "D"],
    variants: [daemonSetNotScheduled(ctx), pdbNotEnoughHealthy(ctx), ksmReplicasMismatch(ctx)],
  };
}

function daemonSetNotScheduled(ctx: Ctx): Case & { name: string } {
  // KubeDaemonSetNotScheduled, from its runbook: desired vs scheduled nodes and why placement fails.
  const namespace = `${ctx.prefix}-ds`;
  const labels = { namespace, daemonset: "node-agent" };
  return {
    name: "KubeDaemonSetNotScheduled",
    ...mk(
      ctx,
      { alertname: "KubeDaemonSetNotScheduled", severity: "warning", ...labels },
      {
        objects: [
          {
            kind: "DaemonSet",
            metadata: { name: "node-agent", namespace, generation: 2 },
            spec: { selector: { matchLabels: { app: "node-agent" } }, template: { spec: { containers: [{ name: "agent", image: "registry.example/agent:2.0" }] } } },
            status: { desiredNumberScheduled: 5, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, observedGeneration: 2 },
          },
          eventObject(ctx, namespace, { kind: "DaemonSet", name: "node-agent" }, "FailedCreate", "Error creating: pods \"node-agent-x\" is forbidden: node gpu-1 has taint nvidia.com/gpu=present:NoSchedule"),
        ],
        metrics: [
          ...gauge(ctx, "kube_daemonset_status_desired_number_scheduled", labels, () => 5),
          ...gauge(ctx, "kube_daemonset_status_current_number_scheduled", labels, () => 3),
          ...gauge(ctx, "kube_daemonset_status_number_misscheduled", labels, () => 0),
        ],
      },
      { label: "suspected_daemonset_unschedulable", top: "scheduling", classification: "actionable", logs: "empty", mentions: ["2 node(s) should run it and do not", "taint"] },
    ),
  };
}

function pdbNotEnoughHealthy(ctx: Ctx): Case & { name: string } {
  const labels = { namespace: `${ctx.prefix}-pdb`, poddisruptionbudget: "api" };
  return {
    name: "KubePdbNotEnoughHealthyPods",
    ...mk(
      ctx,
      { alertname: "KubePdbNotEnoughHealthyPods", severity: "warning", ...labels, job: "kube-state-metrics" },
      { metrics: [...gauge(ctx, "kube_poddisruptionbudget_status_current_healthy", labels, () => 1), ...gauge(ctx, "kube_poddisruptionbudget_status_desired_healthy", labels, () => 2)] },
      { label: "suspected_pdb_blocking", top: "scheduling", classification: "actionable", logs: "empty", mentions: ["1 healthy of 2 required"] },
    ),
  };
}

function nodeHealth(ctx: Ctx): FamilyScenario {
  const bad = `${ctx.prefix}-node-bad`;
  const ok = `${ctx.prefix}-node-ok`;
  const readyFalse = (node: string, down: boolean) =>
    gauge(ctx, "kube_node_status_condition", { node, condition: "Ready", status: "false" }, (m) => (down && m < 15 ? 1 : 0));
  return {
    family: "node_health",
    firing: mk(
      ctx,
      { alertname: "KubeNodeNotReady", severity: "critical", node: bad },
      {
        metrics: readyFalse(bad, true),
        objects: [
          nodeObject(bad, [
            { type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." },
            { type: "MemoryPressure", status: "False" },
            { type: "DiskPressure", status: "False" },
          ]),
        ],
      },
      // A node alert has no namespace or pod to select logs by.
      { label: "suspected_node_not_ready", top: "node_pressure", classification: "actionable", logs: "unavailable" },
    ),
    healthy: mk(
      ctx,
      { alertname: "KubeNodeNotReady", severity: "critical", node: ok },
      { metrics: readyFalse(ok, false), objects: [nodeObject(ok, healthyNode)] },
      { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "unavailable" },
    ),
    blocked: ["B", "D"],
    variants: [clockNotSynchronising(ctx), conntrackFull(ctx)],
  };
}

function clockNotSynchronising(ctx: Ctx): Case & { name: string } {
  // NodeClockNotSynchronising, from its runbook: the node's timex sync status, offset and max error.
  const node = `${ctx.prefix}-clock`;
  const exporter = { instance: node, job: "node-exporter" };
  return {
    name: "NodeClockNotSynchronising",
    ...mk(
      ctx,
      { alertname: "NodeClockNotSynchronising", severity: "warning", ...exporter },
      {
        objects: [nodeObject(node, healthyNode)],
        metrics: [
          ...gauge(ctx, "node_timex_sync_status", exporter, () => 0),
          ...gauge(ctx, "node_timex_offset_seconds", exporter, (m) => 0.3 + (70 - m) * 0.001),
          ...gauge(ctx, "node_timex_maxerror_seconds", exporter, () => 16),
        ],
      },
      { label: "suspected_node_clock_skew", top: "node_pressure", classification: "actionable", logs: "unavailable", mentions: ["unsynchronised", "maximum clock error 16 s"] },
    ),
  };
}

function conntrackFull(ctx: Ctx): Case & { name: string } {
  const node = `${ctx.prefix}-conntrack`;
  const exporter = { instance: node, job: "node-exporter" };
  return {
    name: "NodeHighNumberConntrackEntriesUsed",
    ...mk(
      ctx,
      { alertname: "NodeHighNumberConntrackEntriesUsed", severity: "warning", ...exporter },
      {
        objects: [nodeObject(node, healthyNode)],
        metrics: [...gauge(ctx, "node_nf_conntrack_entries", exporter, () => 120_000), ...gauge(ctx, "node_nf_conntrack_entries_limit", exporter, () => 131_072)],
      },
      { label: "suspected_node_resource_exhaustion", top: "saturation", classification: "actionable", logs: "unavailable", mentions: ["conntrack table 92% full"] },
    ),
  };
}

function memoryPressure(ctx: Ctx): FamilyScenario {
  const bad = podScenario(ctx, "memory", "bad");
  const ok = podScenario(ctx, "memory", "ok");
  const seed = (p: typeof bad, usage: (m: number) => number): Partial<Seed> => ({
    metrics: [
      ...gauge(ctx, "container_memory_working_set_bytes", p.labels, usage),
      ...gauge(ctx, "kube_pod_container_resource_limits", { ...p.labels, resource: "memory" }, () => 256 * MiB),
    ],
    objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
    streams: [stream(ctx, p.labels, neutralLines)],
  });
  return {
    family: "memory_pressure",
    firing: mk(
      ctx,
      { alertname: "ContainerMemoryNearLimit", severity: "warning", ...bad.labels },
      seed(bad, (m) => (238 + Math.round(m) % 3) * MiB),
      { label: "suspected_container_near_limit", top: "oom", classification: "actionable", logs: "ok" },
    ),
    healthy: mk(
      ctx,
      { alertname: "ContainerMemoryNearLimit", severity: "warning", ...ok.labels },
      seed(ok, () => 50 * MiB),
      { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "ok" },
    ),
    blocked: ["B", "D"],
    variants: [
      (() => {
        const p = podScenario(ctx, "memleak", "bad");
        return {
          name: "steady growth is a leak",
          ...mk(ctx, { alertname: "PodMemoryUsageHigh", severity: "warning", ...p.labels }, seed(p, (m) => (100 + (SPAN_MIN - m) * 1.4) * MiB), {
            label: "suspected_memory_leak_or_spike",
            top: "memory_leak",
            classification: "actionable",
            logs: "ok",
            mentions: ["steady growth", "reaches its limit in about"],
          }),
        };
      })(),
      (() => {
        const p = podScenario(ctx, "memjump", "bad");
        return {
          // The look-alike of a leak: one step up, flat before and after.
          name: "one jump is a spike",
          ...mk(ctx, { alertname: "PodMemoryUsageHigh", severity: "warning", ...p.labels }, seed(p, (m) => (m > 35 ? 90 : 180) * MiB), {
            label: "suspected_memory_leak_or_spike",
            top: "memory_leak",
            classification: "actionable",
            logs: "ok",
            mentions: ["one step accounts for", "not a slow leak"],
          }),
        };
      })(),
      (() => {
        const p = podScenario(ctx, "memnode", "bad");
        const pressure = [{ type: "Ready", status: "True", reason: "KubeletReady" }, { type: "MemoryPressure", status: "True", reason: "KubeletHasInsufficientMemory" }];
        return {
          // Not the container's fault: its node is short of memory and evicts pods.
          name: "node under pressure evicts pods",
          ...mk(
            ctx,
            { alertname: "PodMemoryUsageHigh", severity: "critical", ...p.labels },
            {
              metrics: gauge(ctx, "container_memory_working_set_bytes", p.labels, () => 200 * MiB),
              objects: [
                podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true, limits: { cpu: "500m", memory: "1Gi" } } }),
                nodeObject(p.node, pressure),
                eventObject(ctx, p.namespace, { kind: "Pod", name: p.pod }, "Evicted", "The node was low on resource: memory. Container app was using 240Mi, request is 128Mi."),
              ],
              streams: [stream(ctx, p.labels, neutralLines)],
            },
            { label: "suspected_node_pressure_or_eviction", top: "node_pressure", classification: "actionable", logs: "ok", mentions: [`node ${p.node} reports MemoryPressure=True`, "event Evicted"] },
          ),
        };
      })(),
    ],
  };
}

function queueBacklog(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad") => {
    const namespace = `${ctx.prefix}-queue-${state}`;
    const queue = `${ctx.prefix}-orders-${state}`;
    const stuck = state === "bad";
    const q = { queue };
    const deployment: KubeObject = {
      kind: "Deployment",
      metadata: { name: "order-worker", namespace, uid: `${ctx.prefix}-worker-${state}`, generation: 1 },
      spec: { replicas: 4, selector: { matchLabels: { app: "order-worker" } }, template: { metadata: { labels: { app: "order-worker" } }, spec: { containers: [{ name: "app", image: "registry.example/worker:2.0" }] } } },
      status: { observedGeneration: 1, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4 },
    };
    return {
      labels: { namespace, queue, deployment: "order-worker" },
      seed: {
        metrics: [
          // Stuck: consumers stop taking messages 20 minutes ago and the backlog grows. Healthy: it drains.
          ...gauge(ctx, "rabbitmq_queue_messages_ready", q, (m) => (stuck ? (m < 20 ? 100 + 60 * (20 - m) : 100) : 20 + 7 * m)),
          ...gauge(ctx, "rabbitmq_queue_consumers", q, () => 4),
          ...counter(ctx, "rabbitmq_queue_messages_published_total", q, () => 20),
          ...counter(ctx, "rabbitmq_queue_messages_delivered_total", q, (m) => (stuck ? (m < 20 ? 0 : 20) : 22)),
        ],
        objects: [deployment],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "queue_backlog",
    firing: mk(ctx, { alertname: "QueueBacklog", severity: "warning", ...bad.labels }, bad.seed, { label: "suspected_stuck_consumers", top: "queue_starvation", classification: "actionable", logs: "empty" }),
    healthy: mk(ctx, { alertname: "QueueBacklog", severity: "warning", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "empty" }),
    blocked: ["B", "D"],
    variants: [queueConsumers(ctx, "saturated"), queueConsumers(ctx, "spike"), queueConsumers(ctx, "throttled"), kafkaConsumerFromMetrics(ctx), natsConsumer(ctx, "saturated"), natsConsumer(ctx, "gone"), sqsPublishSpike(ctx), natsSlowConsumers(ctx)],
  };
}

/** A NATS server alert names a server, not a stream: the server cuts subscribers that leave 48 MiB unread. */
function natsSlowConsumers(ctx: Ctx): Case & { name: string } {
  const server = { namespace: `${ctx.prefix}-nats`, pod: "nats-0", instance: "10.244.5.3:7777", server_id: "NCXQ2SLOWCONSUMERS", job: "nats" };
  return {
    name: "NatsSlowConsumers: the server cuts slow subscribers, bytes pile up pending to clients",
    ...mk(
      ctx,
      { alertname: "NatsSlowConsumers", severity: "warning", ...server },
      {
        metrics: [
          ...counter(ctx, "gnatsd_varz_slow_consumers", server, (m) => (m < 20 ? 0.01 : 0)),
          ...gauge(ctx, "gnatsd_connz_pending_bytes", server, (m) => (m < 20 ? 48 * MiB : 2_000)),
          ...gauge(ctx, "gnatsd_varz_connections", server, () => 120),
          ...gauge(ctx, "gnatsd_varz_max_connections", server, () => 65_536),
        ],
      },
      {
        label: "suspected_worker_starvation",
        top: "queue_starvation",
        classification: "actionable",
        logs: "empty",
        mentions: ["3 slow consumer(s) cut in 5 min at worst", "48 MiB pending to clients at peak", "120 client connections of a 65536 limit"],
      },
    ),
  };
}

function cacheChurn(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad", ip: string) => {
    const labels = { namespace: `${ctx.prefix}-cache-${state}`, service: "redis", instance: `${ip}:9121`, job: "redis-exporter" };
    const full = state === "bad";
    const i = { instance: labels.instance };
    return {
      labels,
      seed: {
        metrics: [
          ...counter(ctx, "redis_evicted_keys_total", i, (m) => (full && m < 30 ? 30 : 0)),
          ...counter(ctx, "redis_expired_keys_total", i, () => 1),
          ...counter(ctx, "redis_keyspace_hits_total", i, () => 100),
          ...counter(ctx, "redis_keyspace_misses_total", i, (m) => (full && m < 30 ? 60 : 1)),
          ...gauge(ctx, "redis_memory_used_bytes", i, () => (full ? 1.0e9 : 3e8)),
          ...gauge(ctx, "redis_memory_max_bytes", i, () => 1.05e9),
        ],
      },
    };
  };
  const octet = (n: number) => 10 + (parseInt(ctx.prefix.replace(/\D/g, "").slice(-3) || "0", 10) + n) % 240;
  const bad = make("bad", `10.9.${octet(0)}.7`);
  const ok = make("ok", `10.9.${octet(1)}.8`);
  return {
    family: "cache_churn",
    firing: mk(ctx, { alertname: "RedisCacheChurnHigh", severity: "warning", ...bad.labels }, bad.seed, { label: "suspected_cache_memory_eviction", top: "cache_eviction", classification: "actionable", logs: "empty" }),
    healthy: mk(ctx, { alertname: "RedisCacheChurnHigh", severity: "warning", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "empty" }),
    blocked: ["D"],
    variants: [
      (() => {
        const e = make("bad", `10.9.${octet(2)}.9`);
        return {
          name: "hit ratio falls as evictions start, memory at maxmemory",
          ...mk(ctx, { alertname: "CacheHitRateLow", severity: "warning", ...e.labels, namespace: `${ctx.prefix}-cache-hits` }, e.seed, {
            label: "suspected_cache_memory_eviction",
            top: "cache_eviction",
            classification: "actionable",
            logs: "empty",
            mentions: ["keys/s evicted"],
          }),
        };
      })(),
      ttlTooShort(ctx, `10.9.${octet(3)}.10`),
    ],
  };
}

/** The look-alike of eviction churn: nothing is evicted, memory is roomy, keys simply expire before they are read again. */
function ttlTooShort(ctx: Ctx, ip: string): Case & { name: string } {
  const labels = { namespace: `${ctx.prefix}-cache-ttl`, service: "redis", instance: `${ip}:9121`, job: "redis-exporter" };
  const i = { instance: labels.instance };
  return {
    name: "keys expire, memory roomy",
    ...mk(
      ctx,
      { alertname: "CacheHitRateLow", severity: "warning", ...labels },
      {
        metrics: [
          ...counter(ctx, "redis_evicted_keys_total", i, () => 0),
          ...counter(ctx, "redis_expired_keys_total", i, (m) => (m < 40 ? 400 : 50)),
          ...counter(ctx, "redis_keyspace_hits_total", i, () => 40),
          ...counter(ctx, "redis_keyspace_misses_total", i, (m) => (m < 40 ? 60 : 10)),
          ...gauge(ctx, "redis_memory_used_bytes", i, () => 190 * MiB),
          ...gauge(ctx, "redis_memory_max_bytes", i, () => 1024 * MiB),
        ],
      },
      { label: "suspected_ttl_too_short", top: "cache_eviction", classification: "actionable", logs: "empty", mentions: ["memory is not the constraint"] },
    ),
  };
}

function volumeFilling(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad") => {
    const labels = { namespace: `${ctx.prefix}-data-${state}`, persistentvolumeclaim: "pg-data-0" };
    const GiB = 2 ** 30;
    // Filling: 80 % → 94 % over the window. Healthy: a steady 30 %.
    const used = state === "bad" ? (m: number) => (0.94 - (0.14 * m) / SPAN_MIN) * 10 * GiB : () => 3 * GiB;
    return {
      labels,
      seed: { metrics: [...gauge(ctx, "kubelet_volume_stats_used_bytes", labels, used), ...gauge(ctx, "kubelet_volume_stats_capacity_bytes", labels, () => 10 * GiB)] },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "volume_filling",
    firing: mk(ctx, { alertname: "KubePersistentVolumeFillingUp", severity: "warning", ...bad.labels }, bad.seed, { label: "suspected_disk_filling", top: "disk_full", classification: "actionable", logs: "empty" }),
    healthy: mk(ctx, { alertname: "KubePersistentVolumeFillingUp", severity: "warning", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "empty" }),
    blocked: ["B", "D"],
    variants: [persistentVolumeErrors(ctx), inodesFilling(ctx)],
  };
}

/** KubePersistentVolumeInodesFillingUp, the look-alike of a full disk: space is roomy, many small files use up the inodes. */
function inodesFilling(ctx: Ctx): Case & { name: string } {
  const labels = { namespace: `${ctx.prefix}-data-inodes`, persistentvolumeclaim: "spool-0" };
  const total = 1_000_000;
  return {
    name: "inodes run out while space is roomy",
    ...mk(
      ctx,
      { alertname: "KubePersistentVolumeInodesFillingUp", severity: "warning", ...labels },
      {
        metrics: [
          ...gauge(ctx, "kubelet_volume_stats_inodes_used", labels, (m) => total * (0.96 - (0.1 * m) / SPAN_MIN)),
          ...gauge(ctx, "kubelet_volume_stats_inodes", labels, () => total),
          ...gauge(ctx, "kubelet_volume_stats_used_bytes", labels, () => 2 * 2 ** 30),
          ...gauge(ctx, "kubelet_volume_stats_capacity_bytes", labels, () => 10 * 2 ** 30),
        ],
      },
      { label: "suspected_inodes_exhausted", top: "disk_full", classification: "actionable", logs: "empty", mentions: ["96% of inodes used"] },
    ),
  };
}

function persistentVolumeErrors(ctx: Ctx): Case & { name: string } {
  // KubePersistentVolumeErrors, from its runbook: the PV's phase, its claim and the provisioner's events (`kubectl describe pv`).
  const namespace = `${ctx.prefix}-pv`;
  const pv = `${ctx.prefix}-pv-0`;
  const pvc = "data-db-0";
  const failure = "rpc error: code = FailedPrecondition desc = disk projects/shop/zones/europe-west1-b/disks/pvc-4f1c is attached to VM gke-pool-1-a3f2";
  return {
    name: "KubePersistentVolumeErrors",
    ...mk(
      ctx,
      { alertname: "KubePersistentVolumeErrors", severity: "critical", persistentvolume: pv, phase: "Failed", job: "kube-state-metrics" },
      {
        objects: [
          {
            kind: "PersistentVolume",
            metadata: { name: pv },
            spec: { storageClassName: "fast-ssd", persistentVolumeReclaimPolicy: "Delete", capacity: { storage: "20Gi" }, claimRef: { kind: "PersistentVolumeClaim", namespace, name: pvc } },
            status: { phase: "Failed", reason: "VolumeFailedDelete", message: failure },
          },
          {
            kind: "PersistentVolumeClaim",
            metadata: { name: pvc, namespace },
            spec: { storageClassName: "fast-ssd", volumeName: pv, resources: { requests: { storage: "20Gi" } } },
            status: { phase: "Bound", capacity: { storage: "20Gi" } },
          },
          eventObject(ctx, "default", { kind: "PersistentVolume", name: pv }, "VolumeFailedDelete", failure),
        ],
        metrics: gauge(ctx, "kube_persistentvolume_status_phase", { persistentvolume: pv, phase: "Failed" }, () => 1),
      },
      {
        label: "suspected_volume_provisioning_error",
        top: "disk_full",
        classification: "actionable",
        logs: "unavailable",
        mentions: ["phase Failed (VolumeFailedDelete)", "storage class fast-ssd", `PersistentVolumeClaim ${namespace}/${pvc}: phase Bound, requests 20Gi`, `event VolumeFailedDelete on PersistentVolume ${pv} ×5: ${failure}`],
      },
    ),
  };
}

function certExpiry(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad" | "soon", days: number) => {
    const instance = `https://${ctx.prefix}-${state}.shop.example.com`;
    const expiresAt = ctx.now.getTime() / 1000 + days * 86_400;
    return {
      labels: { instance, job: "blackbox" },
      seed: { metrics: gauge(ctx, "probe_ssl_earliest_cert_expiry", { instance, job: "blackbox" }, () => expiresAt) },
    };
  };
  const bad = make("bad", 5.3);
  const ok = make("ok", 80);
  return {
    family: "cert_expiry",
    firing: mk(ctx, { alertname: "CertificateExpiringIn7Days", severity: "warning", ...bad.labels }, bad.seed, { label: "suspected_cert_expiring", top: "cert_expiry", classification: "actionable", logs: "unavailable" }),
    healthy: mk(ctx, { alertname: "CertificateExpiringIn7Days", severity: "warning", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "unavailable" }),
    blocked: ["D"],
    variants: [
      (() => {
        const e = make("soon", 2.5);
        return {
          name: "probed certificate expires in two and a half days",
          ...mk(ctx, { alertname: "CertificateExpiringIn7Days", severity: "critical", ...e.labels }, e.seed, {
            label: "suspected_cert_expiring",
            top: "cert_expiry",
            classification: "actionable",
            logs: "unavailable",
            mentions: ["expires in 2.5 days"],
          }),
        };
      })(),
      certManagerRenewalStuck(ctx),
    ],
  };
}

/** The look-alike of an expiring certificate: cert-manager should have renewed it weeks ago and could not. */
function certManagerRenewalStuck(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-tls`;
  const labels = { namespace, name: "shop-tls", issuer_name: "letsencrypt", issuer_kind: "ClusterIssuer", issuer_group: "cert-manager.io" };
  const at = (days: number) => () => ctx.now.getTime() / 1000 + days * 86_400;
  return {
    name: "cert-manager renewal time passed, Certificate not Ready",
    ...mk(
      ctx,
      { alertname: "CertManagerCertExpirySoon", severity: "warning", namespace, name: "shop-tls", job: "cert-manager" },
      {
        metrics: [
          ...gauge(ctx, "certmanager_certificate_expiration_timestamp_seconds", labels, at(6)),
          ...gauge(ctx, "certmanager_certificate_renewal_timestamp_seconds", labels, at(-24)),
          ...gauge(ctx, "certmanager_certificate_ready_status", { ...labels, condition: "False" }, () => 1),
          ...gauge(ctx, "certmanager_certificate_ready_status", { ...labels, condition: "True" }, () => 0),
        ],
      },
      {
        label: "suspected_cert_rotation_failure",
        top: "cert_expiry",
        classification: "actionable",
        logs: "empty",
        mentions: [`cert-manager Certificate ${namespace}/shop-tls expires in 6.0 days`, "renewal time passed 24.0 days ago", "not Ready"],
      },
    ),
  };
}

/** The look-alike of an overloaded replica: WAL stops arriving (the write lag grows with the replay lag) and the logs say why. */
function replicationNetwork(ctx: Ctx): Case & { name: string } {
  const p = podScenario(ctx, "pgnet", "bad");
  const lines = [
    'FATAL:  could not connect to the primary server: connection to server at "pg-primary.data.svc" (10.3.0.5), port 5432 failed: Connection timed out',
    "LOG:  terminating walreceiver due to timeout",
  ];
  const lag = (m: number) => (m < 25 ? 2 + 8 * (25 - m) : 2);
  return {
    name: "WAL does not reach the replica, connection timeouts in logs",
    ...mk(
      ctx,
      { alertname: "PostgresReplicationLagHigh", severity: "critical", ...p.labels },
      {
        metrics: [
          ...gauge(ctx, "pg_replication_lag_seconds", p.labels, lag),
          ...gauge(ctx, "pg_stat_replication_write_lag_seconds", primaryRow(p.namespace, p.pod), (m) => lag(m) - 1),
          ...counter(ctx, "container_network_receive_bytes_total", { namespace: p.namespace, pod: p.pod, interface: "eth0" }, (m) => (m < 25 ? 2_000 : 2 * MiB)),
          ...counter(ctx, "container_cpu_usage_seconds_total", p.labels, () => 0.05),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...p.labels, resource: "cpu" }, () => 0.5),
        ],
        objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
        streams: [stream(ctx, p.labels, lines)],
      },
      {
        label: "suspected_replication_network",
        top: "network",
        classification: "actionable",
        logs: "ok",
        mentions: ["WAL does not reach the replica", "replica pod network receive 2 MiB/s → 2 KiB/s"],
      },
    ),
  };
}

/** Replica-side pg_stat_* and cadvisor series: CPU used of a 0.5-core limit, I/O stall share, the longest open transaction. */
function replicaPodSeries(ctx: Ctx, labels: Labels, load: { cpu: number; ioStalled: number; maxTx: (m: number) => number }): string[] {
  return [
    ...counter(ctx, "container_cpu_usage_seconds_total", labels, () => load.cpu),
    ...gauge(ctx, "kube_pod_container_resource_limits", { ...labels, resource: "cpu" }, () => 0.5),
    ...counter(ctx, "container_pressure_io_stalled_seconds_total", labels, () => load.ioStalled),
    ...counter(ctx, "container_fs_reads_bytes_total", { ...labels, device: "/dev/nvme1n1" }, () => 3 * MiB),
    ...counter(ctx, "container_fs_writes_bytes_total", { ...labels, device: "/dev/nvme1n1" }, () => 6 * MiB),
    ...gauge(ctx, "pg_stat_activity_max_tx_duration", { ...labels, datname: "orders", state: "active" }, load.maxTx),
    ...counter(ctx, "pg_stat_database_conflicts_confl_snapshot", { ...labels, datname: "orders" }, () => 0),
  ];
}

/** The labels of the primary's postgres_exporter row (pg_stat_replication) for a replica, scraped from the primary's pod in its namespace. */
function primaryRow(namespace: string, replica: string): Labels {
  return { namespace, pod: "pg-primary-0", instance: "10.244.1.9:9187", application_name: replica, client_addr: "10.244.1.17", state: "streaming", slot_name: replica.replace(/-/g, "_") };
}

/** The primary's postgres_exporter row for this replica: its WAL position grows by `perSecond(m)` bytes a second. */
function primaryWalPosition(ctx: Ctx, namespace: string, replica: string, perSecond: (m: number) => number): string[] {
  return counter(ctx, "pg_stat_replication_pg_current_wal_lsn_bytes", primaryRow(namespace, replica), perSecond);
}

/** Replay falls behind because the primary writes twelve times its usual WAL: the replica's CPU, disk and queries are unremarkable. */
function replicationWalBurst(ctx: Ctx): Case & { name: string } {
  const p = podScenario(ctx, "pgwal", "bad");
  const walPerSecond = (m: number) => (m < 25 ? 24 * MiB : 2 * MiB);
  return {
    name: "WAL burst on the primary: it writes 12× its usual WAL, the replica receives it and replays behind",
    ...mk(
      ctx,
      { alertname: "PostgresReplicationLagHigh", severity: "critical", ...p.labels },
      {
        metrics: [
          ...gauge(ctx, "pg_replication_lag_seconds", p.labels, (m) => (m < 25 ? 2 + 6 * (25 - m) : 2)),
          ...gauge(ctx, "pg_stat_replication_write_lag_seconds", primaryRow(p.namespace, p.pod), () => 0.2),
          ...primaryWalPosition(ctx, p.namespace, p.pod, walPerSecond),
          ...counter(ctx, "container_network_receive_bytes_total", { namespace: p.namespace, pod: p.pod, interface: "eth0" }, walPerSecond),
          ...replicaPodSeries(ctx, p.labels, { cpu: 0.2, ioStalled: 0.04, maxTx: () => 2 }),
        ],
        objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
        streams: [stream(ctx, p.labels, ["LOG:  restartpoint starting: wal", "LOG:  restartpoint complete: wrote 48211 buffers (36.8%)"])],
      },
      {
        label: "suspected_primary_write_burst",
        top: "replication",
        classification: "actionable",
        logs: "ok",
        mentions: ["primary WAL generation 2 MiB/s → 24 MiB/s at peak (12.0× the window's start)", "the replica pod receives 24 MiB/s at peak", "WAL arrives"],
        minConfidence: 80,
      },
    ),
  };
}

/**
 * Replay stops behind a 26-minute report query on the replica (max_standby_streaming_delay = -1, so
 * the query is never cancelled and replay waits): the primary's WAL rate and the replica's load are usual.
 */
function replicationLongQuery(ctx: Ctx): Case & { name: string } {
  const p = podScenario(ctx, "pgtx", "bad");
  return {
    name: "Long query on the replica holding replay: the open transaction ages with the lag, the primary's WAL rate is steady",
    ...mk(
      ctx,
      { alertname: "PostgresReplicationLagHigh", severity: "critical", ...p.labels },
      {
        metrics: [
          ...gauge(ctx, "pg_replication_lag_seconds", p.labels, (m) => (m < 25 ? 2 + 60 * (25 - m) : 2)),
          ...gauge(ctx, "pg_stat_replication_write_lag_seconds", primaryRow(p.namespace, p.pod), () => 0.2),
          ...primaryWalPosition(ctx, p.namespace, p.pod, () => 2 * MiB),
          // Another database in the cluster whose replica has the same name, bursting and cut off: its rows must not answer.
          ...primaryWalPosition(ctx, `${p.namespace}-other`, p.pod, (m) => (m < 25 ? 40 * MiB : 2 * MiB)),
          ...gauge(ctx, "pg_stat_replication_write_lag_seconds", primaryRow(`${p.namespace}-other`, p.pod), () => 1_200),
          ...counter(ctx, "container_network_receive_bytes_total", { namespace: p.namespace, pod: p.pod, interface: "eth0" }, () => 2 * MiB),
          ...replicaPodSeries(ctx, p.labels, { cpu: 0.1, ioStalled: 0.02, maxTx: (m) => (m < 26 ? 60 * (26 - m) : 3) }),
        ],
        objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
        streams: [stream(ctx, p.labels, ["LOG:  recovery still waiting after 1023.527 ms: recovery conflict on snapshot", "DETAIL:  Conflicting process: 48213."])],
      },
      {
        label: "suspected_replica_query_conflict",
        top: "replication",
        classification: "actionable",
        logs: "ok",
        mentions: ["Long queries on the replica hold replay back", "longest open transaction on the replica 3 s → 26 min", "primary WAL generation steady (2 MiB/s → 2 MiB/s)"],
        minConfidence: 80,
      },
    ),
  };
}

/** Replay waits on a saturated disk (I/O stalled most of the time) while CPU has headroom; the primary's exporter is not scraped, so its WAL rate is unknown. */
function replicationDiskSaturated(ctx: Ctx): Case & { name: string } {
  const p = podScenario(ctx, "pgio", "bad");
  return {
    name: "Replica disk saturated: I/O stalled most of the time, CPU idle, the primary's WAL rate not available",
    ...mk(
      ctx,
      { alertname: "PostgresReplicationLagHigh", severity: "critical", ...p.labels },
      {
        metrics: [
          ...gauge(ctx, "pg_replication_lag_seconds", p.labels, (m) => (m < 25 ? 2 + 5 * (25 - m) : 2)),
          ...gauge(ctx, "pg_stat_replication_write_lag_seconds", primaryRow(p.namespace, p.pod), () => 0.3),
          ...replicaPodSeries(ctx, p.labels, { cpu: 0.12, ioStalled: 0.6, maxTx: () => 4 }),
        ],
        objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
        streams: [stream(ctx, p.labels, ["LOG:  restartpoint complete: wrote 91822 buffers (70.1%); write=268.512 s, sync=41.208 s"])],
      },
      {
        label: "suspected_replica_io_saturated",
        top: "saturation",
        classification: "actionable",
        logs: "ok",
        mentions: ["replica stalled on I/O 60% of the time at peak", "replica disk reads 3 MiB/s, writes 6 MiB/s at peak", `the primary's WAL rate was not found (no pg_stat_replication_pg_current_wal_lsn_bytes row for application_name "${p.pod}"`],
        minConfidence: 80,
      },
    ),
  };
}

/**
 * mysqld_exporter on a MySQL replica: both replication threads run (changes arrive) while
 * Seconds_Behind_Source grows; the replica's CPU at its limit or its disk stalled is why.
 */
function mysqlReplica(ctx: Ctx, cause: "cpu" | "disk"): Case & { name: string } {
  const p = podScenario(ctx, `mysql${cause}`, "bad");
  const status = { ...p.labels, job: "mysql", channel_name: "", master_host: "mysql-primary", master_uuid: "3e11fa47-71ca-11e1-9e33-c80aa9429562" };
  const replication = [
    ...gauge(ctx, "mysql_slave_status_seconds_behind_master", status, (m) => (m < 25 ? 2 + 8 * (25 - m) : 2)),
    ...gauge(ctx, "mysql_slave_status_slave_io_running", status, () => 1),
    ...gauge(ctx, "mysql_slave_status_slave_sql_running", status, () => 1),
  ];
  const load = cause === "cpu" ? { cpu: 0.49, ioStalled: 0.03 } : { cpu: 0.1, ioStalled: 0.55 };
  return {
    name: cause === "cpu" ? "MySQL replica applies changes late: SQL thread on a replica at its CPU limit" : "MySQL replica applies changes late: its disk stalls, CPU idle",
    ...mk(
      ctx,
      { alertname: "MySQLReplicationLag", severity: "critical", ...p.labels, job: "mysql" },
      {
        metrics: [
          ...replication,
          ...counter(ctx, "container_cpu_usage_seconds_total", p.labels, () => load.cpu),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...p.labels, resource: "cpu" }, () => 0.5),
          ...counter(ctx, "container_pressure_io_stalled_seconds_total", p.labels, () => load.ioStalled),
        ],
        objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
        streams: [stream(ctx, p.labels, ["[Note] [MY-010559] [Repl] Multi-threaded replica statistics for channel '': seconds elapsed = 120; events assigned = 1843201"])],
      },
      cause === "cpu"
        ? { label: "suspected_replica_overloaded", top: "saturation", classification: "actionable", logs: "ok", mentions: ["IO and SQL threads both run: changes arrive but are applied late", "replica CPU at 98% of its limit"] }
        : { label: "suspected_replica_io_saturated", top: "saturation", classification: "actionable", logs: "ok", mentions: ["IO and SQL threads both run: changes arrive but are applied late", "replica stalled on I/O 55% of the time at peak"] },
    ),
  };
}

/** The IO thread stops on a source it cannot reach: mysqld_exporter then reports no Seconds_Behind_Source at all. */
function mysqlReplicationNotRunning(ctx: Ctx): Case & { name: string } {
  const p = podScenario(ctx, "mysqlio", "bad");
  const status = { ...p.labels, job: "mysql", channel_name: "", master_host: "mysql-primary.db.svc" };
  return {
    name: "MySQLReplicationNotRunning: IO thread stopped on an unreachable source, no lag reported",
    ...mk(
      ctx,
      { alertname: "MySQLReplicationNotRunning", severity: "critical", ...p.labels, job: "mysql" },
      {
        metrics: [
          ...gauge(ctx, "mysql_slave_status_seconds_behind_master", status, (m) => (m < 20 ? Number.NaN : 0)),
          ...gauge(ctx, "mysql_slave_status_slave_io_running", status, (m) => (m < 20 ? 0 : 1)),
          ...gauge(ctx, "mysql_slave_status_slave_sql_running", status, () => 1),
        ],
        objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
        streams: [
          stream(ctx, p.labels, [
            "[ERROR] [MY-010584] [Repl] Replica I/O for channel '': error connecting to source 'repl@mysql-primary.db.svc:3306' - retry-time: 60 retries: 12 message: Can't connect to MySQL server on 'mysql-primary.db.svc:3306' (110), Error_code: MY-002003",
          ]),
        ],
      },
      { label: "suspected_replication_network", top: "network", classification: "actionable", logs: "ok", mentions: ["the replication IO thread stopped", "Seconds_Behind_Source is null or 0 while the IO thread is stopped"] },
    ),
  };
}

function replicationLag(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad") => {
    const p = podScenario(ctx, "pg", state);
    const behind = state === "bad";
    const lines = ["LOG:  started streaming WAL from primary at 3/1A000000 on timeline 1", "LOG:  checkpoint complete: wrote 1520 buffers (9.3%)"];
    return {
      labels: p.labels,
      seed: {
        metrics: [
          // Behind: replay falls 7 s further behind every minute for 25 minutes while WAL keeps arriving.
          ...gauge(ctx, "pg_replication_lag_seconds", p.labels, (m) => (behind && m < 25 ? 2 + 7 * (25 - m) : 2)),
          ...gauge(ctx, "pg_stat_replication_write_lag_seconds", primaryRow(p.namespace, p.pod), () => 0.1),
          ...counter(ctx, "container_cpu_usage_seconds_total", p.labels, () => (behind ? 0.48 : 0.1)),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...p.labels, resource: "cpu" }, () => 0.5),
        ],
        objects: [podObject(ctx, { ...p, name: p.pod, phase: "Running", container: { ready: true } }), nodeObject(p.node, healthyNode)],
        streams: [stream(ctx, p.labels, lines)],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "replication_lag",
    firing: mk(ctx, { alertname: "PostgresReplicationLagHigh", severity: "critical", ...bad.labels }, bad.seed, {
      label: "suspected_replica_overloaded",
      top: "saturation",
      classification: "actionable",
      logs: "ok",
      mentions: ["replication lag 2 s → 3 min", "WAL arrives (write lag only 100 ms)", "replica CPU at 96% of its limit"],
    }),
    healthy: mk(ctx, { alertname: "PostgresReplicationLagHigh", severity: "critical", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "ok" }),
    blocked: ["B", "C", "D"],
    variants: [exporterReplicaLag(ctx), replicationNetwork(ctx), replicationWalBurst(ctx), replicationLongQuery(ctx), replicationDiskSaturated(ctx), mysqlReplica(ctx, "cpu"), mysqlReplica(ctx, "disk"), mysqlReplicationNotRunning(ctx)],
  };
}

function observabilityPipeline(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad") => {
    const self = { job: `${ctx.prefix}-prometheus-${state}`, instance: "prometheus-k8s-0:9090" };
    const failing = state === "bad";
    return {
      labels: { namespace: `${ctx.prefix}-monitoring-${state}`, ...self },
      seed: {
        metrics: [
          // Failing: one rule of one group fails every 100 s for the last 15 minutes.
          ...counter(ctx, "prometheus_rule_evaluation_failures_total", { ...self, rule_group: "/etc/prometheus/rules/shop.yaml;shop" }, (m) => (failing && m < 15 ? 0.01 : 0)),
          ...counter(ctx, "prometheus_rule_evaluation_failures_total", { ...self, rule_group: "/etc/prometheus/rules/node.yaml;node" }, () => 0),
          ...counter(ctx, "prometheus_target_scrapes_sample_out_of_order_total", self, () => 0),
          ...counter(ctx, "prometheus_remote_storage_samples_failed_total", { ...self, remote_name: "vm", url: "http://vminsert:8480/insert/0/prometheus/api/v1/write" }, () => 0),
          ...gauge(ctx, "prometheus_tsdb_head_series", self, (m) => 1.2e6 + 1_000 * Math.round(m % 5)),
          ...counter(ctx, "prometheus_tsdb_head_samples_appended_total", self, () => 52_000),
          ...gauge(ctx, "up", self, () => 1),
        ],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "observability_pipeline",
    firing: mk(ctx, { alertname: "PrometheusRuleFailures", severity: "warning", ...bad.labels }, bad.seed, {
      label: "suspected_alerting_rules_error",
      top: "alerting_pipeline",
      classification: "actionable",
      logs: "empty",
      mentions: ["6 Prometheus rule evaluation failures in 10 min at worst"],
    }),
    healthy: mk(ctx, { alertname: "PrometheusRuleFailures", severity: "warning", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "empty" }),
    blocked: ["D"],
    variants: [alertmanagerFailedToSend(ctx), cardinalityBehindRuleErrors(ctx), ...pipelineIngestion(ctx), tsdbCompactionsFailing(ctx), tsdbReloadsFailingFullVolume(ctx), operatorReconcileErrors(ctx), scrapeSampleLimitHit(ctx), scrapeTargetLimitHit(ctx)],
  };
}

/** Ingestion failures of the monitoring stack itself: rows VictoriaMetrics drops, a Prometheus that stops appending, spans without parents. */
function pipelineIngestion(ctx: Ctx): Array<Case & { name: string }> {
  const vm = { job: `${ctx.prefix}-vminsert`, instance: "vminsert-0:8480" };
  const prom = { job: `${ctx.prefix}-prometheus-stalled`, instance: "prometheus-k8s-0:9090" };
  const spans = { namespace: `${ctx.prefix}-traces`, service: "checkout" };
  return [
    {
      name: "rows ignored on ingestion",
      ...mk(
        ctx,
        { alertname: "RowsRejectedOnIngestion", severity: "warning", namespace: `${ctx.prefix}-monitoring-vm`, ...vm },
        { metrics: [...counter(ctx, "vm_rows_ignored_total", { ...vm, reason: "too_long_labels" }, (m) => (m < 30 ? 300 : 0)), ...gauge(ctx, "up", vm, () => 1)] },
        { label: "suspected_ingestion_failure", top: "alerting_pipeline", classification: "actionable", logs: "empty", mentions: ["rows/s ignored by VictoriaMetrics"] },
      ),
    },
    {
      name: "ingestion stopped",
      ...mk(
        ctx,
        { alertname: "PrometheusNotIngestingSamples", severity: "critical", namespace: `${ctx.prefix}-monitoring-stalled`, ...prom },
        {
          metrics: [
            ...counter(ctx, "prometheus_tsdb_head_samples_appended_total", prom, (m) => (m > 25 ? 52_000 : 0)),
            ...gauge(ctx, "prometheus_tsdb_head_series", prom, () => 1e6),
            ...gauge(ctx, "up", prom, () => 1),
          ],
        },
        { label: "suspected_prometheus_or_vm_incident", top: "alerting_pipeline", classification: "actionable", logs: "empty", mentions: ["ingestion collapsed"] },
      ),
    },
    {
      name: "orphaned spans",
      ...mk(
        ctx,
        { alertname: "OrphanedSpansHigh", severity: "warning", ...spans },
        { metrics: [...counter(ctx, "traces_orphaned_spans_total", spans, () => 35), ...counter(ctx, "traces_spans_total", spans, () => 100)] },
        { label: "suspected_trace_context_loss", top: "config_error", classification: "actionable", logs: "empty", mentions: ["35% of spans are orphaned"] },
      ),
    },
  ];
}

/** The look-alike of broken rules: rules fail because the server drowns in new series, and that is the cause to name. */
function cardinalityBehindRuleErrors(ctx: Ctx): Case & { name: string } {
  const self = { job: `${ctx.prefix}-prometheus-series`, instance: "prometheus-k8s-1:9090" };
  return {
    name: "rule errors on a server whose head series explode",
    ...mk(
      ctx,
      { alertname: "PrometheusRuleFailures", severity: "warning", namespace: `${ctx.prefix}-monitoring-series`, ...self },
      {
        metrics: [
          ...counter(ctx, "prometheus_rule_evaluation_failures_total", { ...self, rule_group: "/etc/prometheus/rules/shop.yaml;shop" }, (m) => (m < 20 ? 0.004 : 0)),
          ...gauge(ctx, "prometheus_tsdb_head_series", self, (m) => 1e6 + 25_000 * (SPAN_MIN - m)),
          ...counter(ctx, "prometheus_tsdb_head_samples_appended_total", self, () => 50_000),
          ...gauge(ctx, "up", self, () => 1),
        ],
      },
      { label: "suspected_high_cardinality", top: "high_cardinality", classification: "actionable", logs: "empty", mentions: ["head series"] },
    ),
  };
}

function tsdbCompactionsFailing(ctx: Ctx): Case & { name: string } {
  // PrometheusTSDBCompactionsFailing, from its runbook: the failure counters and the storage used by the pod.
  const namespace = `${ctx.prefix}-monitoring-tsdb`;
  const pod = "prometheus-k8s-0";
  const self = { job: `${ctx.prefix}-prometheus-tsdb`, instance: "10.0.4.7:9090" };
  return {
    name: "PrometheusTSDBCompactionsFailing with a full volume",
    ...mk(
      ctx,
      { alertname: "PrometheusTSDBCompactionsFailing", severity: "warning", namespace, pod, container: "prometheus", ...self },
      {
        metrics: [
          ...counter(ctx, "prometheus_tsdb_compactions_failed_total", self, (m) => (m < 40 ? 0.002 : 0)),
          ...counter(ctx, "prometheus_tsdb_reloads_failures_total", self, () => 0),
          ...gauge(ctx, "prometheus_tsdb_storage_blocks_bytes", self, () => 48 * 2 ** 30),
          ...gauge(ctx, "prometheus_tsdb_head_series", self, () => 9e5),
          ...counter(ctx, "prometheus_tsdb_head_samples_appended_total", self, () => 40_000),
          ...gauge(ctx, "up", self, () => 1),
          ...prometheusVolume(ctx, namespace, pod, 0.99),
        ],
        streams: [
          stream(ctx, { namespace, pod, container: "prometheus" }, [
            'ts=2026-12-04T10:00:00.000Z caller=db.go:1014 level=error component=tsdb msg="compaction failed" err="compact head: persist head block: mkdir /prometheus/01JEXAMPLE.tmp-for-creation: no space left on device"',
          ]),
        ],
      },
      {
        label: "suspected_prometheus_or_vm_incident",
        top: "disk_full",
        classification: "actionable",
        logs: "ok",
        mentions: ["failed TSDB compactions in 3 h", "Prometheus' disk is full", "no space left on device", "Prometheus' volume prometheus-k8s-db-prometheus-k8s-0 99% full of 50 GiB"],
        absent: ["prometheus-k8s-db-prometheus-k8s-1"],
      },
    ),
  };
}

/** kubelet volume stats of the servers' PVCs (`prometheus-k8s-db-<pod>`, 50 GiB): `pod` at `used`, its sibling replica at 40 %. */
function prometheusVolume(ctx: Ctx, namespace: string, pod: string, used: number): string[] {
  const capacity = 50 * 2 ** 30;
  const volume = (claim: string, ratio: number) => [
    ...gauge(ctx, "kubelet_volume_stats_capacity_bytes", { namespace, persistentvolumeclaim: claim }, () => capacity),
    ...gauge(ctx, "kubelet_volume_stats_used_bytes", { namespace, persistentvolumeclaim: claim }, () => ratio * capacity),
  ];
  return [...volume(`prometheus-k8s-db-${pod}`, used), ...volume("prometheus-k8s-db-prometheus-k8s-1", 0.4)];
}

/** Block reloads fail and the logs were not read: the volume's fill level alone says the disk is full. */
function tsdbReloadsFailingFullVolume(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-monitoring-reload`;
  const pod = "prometheus-k8s-0";
  const self = { job: `${ctx.prefix}-prometheus-reload`, instance: "10.0.4.10:9090" };
  return {
    name: "PrometheusTSDBReloadsFailing, volume 98% full, no log lines",
    ...mk(
      ctx,
      { alertname: "PrometheusTSDBReloadsFailing", severity: "warning", namespace, pod, container: "prometheus", ...self },
      {
        metrics: [
          ...counter(ctx, "prometheus_tsdb_compactions_failed_total", self, () => 0),
          ...counter(ctx, "prometheus_tsdb_reloads_failures_total", self, (m) => (m < 40 ? 0.002 : 0)),
          ...gauge(ctx, "up", self, () => 1),
          ...prometheusVolume(ctx, namespace, pod, 0.98),
        ],
      },
      {
        label: "suspected_prometheus_or_vm_incident",
        top: "disk_full",
        classification: "actionable",
        logs: "empty",
        mentions: ["failed TSDB block reloads in 3 h", "Prometheus' volume prometheus-k8s-db-prometheus-k8s-0 98% full of 50 GiB"],
      },
    ),
  };
}

function operatorReconcileErrors(ctx: Ctx): Case & { name: string } {
  // PrometheusOperatorReconcileErrors carries only controller and namespace; the runbook starts from the operator's logs.
  const namespace = `${ctx.prefix}-monitoring-op`;
  const series = { job: "prometheus-operator", namespace, controller: "prometheus", instance: "10.0.5.5:8080" };
  return {
    name: "PrometheusOperatorReconcileErrors: half the reconciliations fail on a missing secret",
    ...mk(
      ctx,
      { alertname: "PrometheusOperatorReconcileErrors", severity: "warning", namespace, controller: "prometheus" },
      {
        metrics: [
          ...counter(ctx, "prometheus_operator_reconcile_operations_total", series, () => 0.5),
          ...counter(ctx, "prometheus_operator_reconcile_errors_total", series, (m) => (m < 25 ? 0.25 : 0)),
        ],
        streams: [
          stream(ctx, { namespace, pod: "prometheus-operator-6c8d7f9b5-h2k4m", container: "prometheus-operator" }, [
            'level=error ts=2026-12-04T10:00:00.000Z caller=klog.go:126 component=k8s_client_runtime func=ErrorDepth msg="sync \\"monitoring/k8s\\" failed: creating config failed: loading additional scrape configs from Secret failed: secrets \\"additional-scrape-configs\\" not found"',
          ]),
        ],
      },
      { label: "suspected_config_reload_failure", top: "config_error", classification: "actionable", logs: "ok", mentions: ["50% of reconciliations failed at peak", "additional-scrape-configs"] },
    ),
  };
}

/** The runbook's question is which targets: one exporter answers 12 000 samples against a 10 000 limit, a neighbour stays under it. */
function scrapeSampleLimitHit(ctx: Ctx): Case & { name: string } {
  const self = { job: `${ctx.prefix}-prometheus-limits`, instance: "10.0.4.8:9090" };
  const over = { job: "shop-exporter", namespace: `${ctx.prefix}-shop`, pod: "shop-exporter-5d8f7-x9k2l", service: "shop-exporter", instance: "10.244.2.31:9100" };
  const under = { job: "cart-exporter", namespace: `${ctx.prefix}-shop`, pod: "cart-exporter-7c4b9-q2w8e", service: "cart-exporter", instance: "10.244.2.32:9100" };
  const target = (labels: Labels, samples: number, up: number) => [
    ...gauge(ctx, "scrape_samples_scraped", labels, () => samples),
    ...gauge(ctx, "scrape_samples_post_metric_relabeling", labels, () => samples),
    ...gauge(ctx, "scrape_sample_limit", labels, () => 10_000),
    ...gauge(ctx, "up", labels, () => up),
  ];
  return {
    name: "PrometheusScrapeSampleLimitHit: the exporter over its sample_limit is named",
    // Which targets hit a limit is read from every target's report series, not the alert's labels.
    ownMetrics: true,
    ...mk(
      ctx,
      { alertname: "PrometheusScrapeSampleLimitHit", severity: "warning", namespace: `${ctx.prefix}-monitoring-limits`, ...self },
      {
        metrics: [
          ...counter(ctx, "prometheus_target_scrapes_exceeded_sample_limit_total", self, (m) => (m < 30 ? 0.1 : 0)),
          ...gauge(ctx, "prometheus_tsdb_head_series", self, () => 9e5),
          ...counter(ctx, "prometheus_tsdb_head_samples_appended_total", self, () => 40_000),
          ...gauge(ctx, "up", self, () => 1),
          ...target(over, 12_000, 0),
          ...target(under, 500, 1),
        ],
      },
      {
        label: "suspected_ingestion_failure",
        top: "alerting_pipeline",
        classification: "actionable",
        logs: "empty",
        mentions: ["scrapes were dropped for exceeding the sample limit", `target job shop-exporter ${ctx.prefix}-shop/shop-exporter-5d8f7-x9k2l: 12000 samples after relabelling`],
        absent: ["cart-exporter"],
      },
    ),
  };
}

/** PrometheusTargetLimitHit: the scrape pool whose discovered targets outgrew its targetLimit is named, with both numbers. */
function scrapeTargetLimitHit(ctx: Ctx): Case & { name: string } {
  const self = { job: `${ctx.prefix}-prometheus-targets`, instance: "10.0.4.9:9090" };
  const pool = (scrapeJob: string, targets: number, limit: number) => [
    ...gauge(ctx, "prometheus_target_scrape_pool_targets", { ...self, scrape_job: scrapeJob }, () => targets),
    ...gauge(ctx, "prometheus_target_scrape_pool_target_limit", { ...self, scrape_job: scrapeJob }, () => limit),
  ];
  return {
    name: "PrometheusTargetLimitHit: the scrape pool over its target limit is named",
    ownMetrics: true,
    ...mk(
      ctx,
      { alertname: "PrometheusTargetLimitHit", severity: "warning", namespace: `${ctx.prefix}-monitoring-targets`, ...self },
      {
        metrics: [
          ...counter(ctx, "prometheus_target_scrape_pool_exceeded_target_limit_total", self, (m) => (m < 30 ? 0.05 : 0)),
          ...gauge(ctx, "up", self, () => 1),
          ...pool("serviceMonitor/shop/orders-api/0", 240, 200),
          ...pool("serviceMonitor/shop/cart-api/0", 12, 200),
        ],
      },
      {
        label: "suspected_ingestion_failure",
        top: "alerting_pipeline",
        classification: "actionable",
        logs: "empty",
        mentions: ["scrape pools dropped all their targets", "scrape pool serviceMonitor/shop/orders-api/0: 240 targets over its target_limit of 200"],
        absent: ["cart-api"],
      },
    ),
  };
}

function alertmanagerFailedToSend(ctx: Ctx): Case & { name: string } {
  // AlertmanagerFailedToSendAlerts, from its runbook: the integration's failure counters and the Alertmanager logs.
  const namespace = `${ctx.prefix}-am`;
  const pod = "alertmanager-main-0";
  const self = { job: `${ctx.prefix}-alertmanager`, instance: "10.0.3.4:9093" };
  return {
    name: "AlertmanagerFailedToSendAlerts",
    ...mk(
      ctx,
      { alertname: "AlertmanagerFailedToSendAlerts", severity: "warning", namespace, pod, integration: "slack", ...self },
      {
        metrics: [
          ...counter(ctx, "alertmanager_notifications_total", { ...self, integration: "slack" }, () => 0.2),
          ...counter(ctx, "alertmanager_notifications_failed_total", { ...self, integration: "slack" }, (m) => (m < 30 ? 0.2 : 0)),
          ...gauge(ctx, "up", self, () => 1),
        ],
        streams: [
          stream(ctx, { namespace, pod, container: "alertmanager" }, [
            'ts=2026-12-04T10:00:00Z caller=dispatch.go:353 level=error component=dispatcher msg="Notify for alerts failed" num_alerts=3 err="slack/slack[0]: notify retry canceled due to unrecoverable error after 1 attempts: channel \\"#alerts\\": unexpected status code 404: no_service"',
          ]),
        ],
      },
      { label: "suspected_notification_failure", top: "alerting_pipeline", classification: "actionable", logs: "ok", mentions: ["100% of notifications to slack failed at peak", "Notify for alerts failed"] },
    ),
  };
}

function capacity(ctx: Ctx): FamilyScenario {
  // KubeHpaMaxedOut, from its runbook: the HPA's bounds, status, conditions and the metric it scales on.
  const make = (state: "ok" | "bad") => {
    const namespace = `${ctx.prefix}-hpa-${state}`;
    const labels = { namespace, horizontalpodautoscaler: "checkout", job: "kube-state-metrics" };
    const current = state === "bad" ? 10 : 4;
    const hpa: KubeObject = {
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "checkout", namespace },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "checkout" },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
      status: {
        currentReplicas: current,
        desiredReplicas: current,
        currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: state === "bad" ? 96 : 55 } } }],
        conditions:
          state === "bad"
            ? [{ type: "ScalingLimited", status: "True", reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" }]
            : [{ type: "ScalingLimited", status: "False", reason: "DesiredWithinRange" }],
      },
    };
    const ksm = { namespace, horizontalpodautoscaler: "checkout" };
    // The scale target the HPA names: resolveWorkload follows scaleTargetRef to it and its pods' CPU.
    const deployment: KubeObject = {
      kind: "Deployment",
      metadata: { name: "checkout", namespace, uid: `${namespace}-checkout`, generation: 1, labels: { app: "checkout" } },
      spec: { replicas: current, selector: { matchLabels: { app: "checkout" } }, template: { metadata: { labels: { app: "checkout" } }, spec: { containers: [{ name: "app", image: "registry.example/checkout:3.1" }] } } },
      status: { observedGeneration: 1, replicas: current, updatedReplicas: current, readyReplicas: current, availableReplicas: current },
    };
    const podLabels = { namespace, pod: "checkout-7c9d8f6b5-q2w3e", container: "app" };
    return {
      labels,
      seed: {
        objects: [hpa, deployment],
        metrics: [
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => (state === "bad" ? 0.48 : 0.1)),
          ...gauge(ctx, "kube_pod_container_resource_requests", { ...podLabels, resource: "cpu" }, () => 0.5),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 1),
          ...counter(ctx, "container_cpu_cfs_periods_total", podLabels, () => 10),
          ...counter(ctx, "container_cpu_cfs_throttled_periods_total", podLabels, () => (state === "bad" ? 3 : 0)),
          ...gauge(ctx, "kube_horizontalpodautoscaler_status_current_replicas", ksm, () => current),
          ...gauge(ctx, "kube_horizontalpodautoscaler_status_desired_replicas", ksm, () => current),
          ...gauge(ctx, "kube_horizontalpodautoscaler_spec_max_replicas", ksm, () => 10),
        ],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "capacity",
    firing: mk(ctx, { alertname: "KubeHpaMaxedOut", severity: "warning", ...bad.labels }, bad.seed, {
      label: "suspected_hpa_at_max",
      top: "autoscaling",
      classification: "actionable",
      logs: "empty",
      mentions: ["10/10 replicas", "cpu: 96% against a target of 70%", "TooManyReplicas", "scale target Deployment checkout: pods use 96% of CPU requests, 48% of CPU limits at peak, 30% of CPU periods throttled at peak"],
    }),
    healthy: mk(ctx, { alertname: "KubeHpaMaxedOut", severity: "warning", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "empty" }),
    blocked: ["B", "D"],
    variants: [quotaExceeded(ctx), hpaRefusedByQuota(ctx), cpuOvercommit(ctx)],
  };
}

function quotaExceeded(ctx: Ctx): Case & { name: string } {
  // KubeQuotaExceeded, from its runbook: the ResourceQuota's hard/used and the "exceeded quota" refusals.
  const namespace = `${ctx.prefix}-quota`;
  const labels = { namespace, resourcequota: "compute", resource: "requests.cpu", job: "kube-state-metrics" };
  const ksm = { namespace, resourcequota: "compute", resource: "requests.cpu" };
  return {
    name: "KubeQuotaExceeded with pods refused",
    ...mk(
      ctx,
      { alertname: "KubeQuotaExceeded", severity: "warning", ...labels },
      {
        objects: [
          { kind: "ResourceQuota", metadata: { name: "compute", namespace }, spec: { hard: { "requests.cpu": "4" } }, status: { hard: { "requests.cpu": "4", "requests.memory": "8Gi" }, used: { "requests.cpu": "4", "requests.memory": "3Gi" } } },
          eventObject(ctx, namespace, { kind: "ReplicaSet", name: "api-7d9" }, "FailedCreate", 'pods "api-7d9-x2" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=4, limited: requests.cpu=4'),
        ],
        metrics: [...gauge(ctx, "kube_resourcequota", { ...ksm, type: "used" }, () => 4), ...gauge(ctx, "kube_resourcequota", { ...ksm, type: "hard" }, () => 4)],
      },
      { label: "suspected_quota_exhausted", top: "quota", classification: "actionable", logs: "empty", mentions: ["requests.cpu 4 cores used of 4 cores (100%)", "exceeded quota: compute"] },
    ),
  };
}

function hpaRefusedByQuota(ctx: Ctx): Case & { name: string } {
  // Look-alike of "HPA at max": it wants more replicas and is below max, but the quota refuses them.
  const namespace = `${ctx.prefix}-hpa-quota`;
  const ksm = { namespace, horizontalpodautoscaler: "worker" };
  return {
    name: "KubeHpaReplicasMismatch because the quota refuses pods",
    ...mk(
      ctx,
      { alertname: "KubeHpaReplicasMismatch", severity: "warning", ...ksm, job: "kube-state-metrics" },
      {
        objects: [
          {
            kind: "HorizontalPodAutoscaler",
            metadata: { name: "worker", namespace },
            spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "worker" }, minReplicas: 2, maxReplicas: 20, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }] },
            status: { currentReplicas: 6, desiredReplicas: 9, currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 88 } } }], conditions: [{ type: "AbleToScale", status: "True", reason: "SucceededRescale" }] },
          },
          eventObject(ctx, namespace, { kind: "ReplicaSet", name: "worker-5c4" }, "FailedCreate", 'pods "worker-5c4-a1" is forbidden: exceeded quota: team-quota, requested: pods=1, used: pods=6, limited: pods=6'),
        ],
        metrics: [
          ...gauge(ctx, "kube_horizontalpodautoscaler_status_current_replicas", ksm, () => 6),
          ...gauge(ctx, "kube_horizontalpodautoscaler_status_desired_replicas", ksm, () => 9),
          ...gauge(ctx, "kube_horizontalpodautoscaler_spec_max_replicas", ksm, () => 20),
        ],
      },
      { label: "suspected_hpa_cannot_scale", top: "quota", classification: "actionable", logs: "empty", mentions: ["6 current, 9 desired", "exceeded quota: team-quota"] },
    ),
  };
}

function cpuOvercommit(ctx: Ctx): Case & { name: string } {
  // KubeCPUOvercommit: requests against allocatable, with the loss of one node tolerated.
  const nodes = [1, 2, 3].map((i) => `${ctx.prefix}-oc-${i}`);
  const metrics = nodes.flatMap((node) => [
    ...gauge(ctx, "kube_node_status_allocatable", { node, resource: "cpu" }, () => 4),
    ...gauge(ctx, "kube_pod_container_resource_requests", { node, resource: "cpu", namespace: `${ctx.prefix}-oc`, pod: `${node}-app` }, () => 3.4),
    ...gauge(ctx, "kube_node_status_condition", { node, condition: "Ready", status: "true" }, () => 1),
  ]);
  return {
    name: "KubeCPUOvercommit",
    // The rule sums every pod's requests and every node's allocatable in the cluster.
    ownMetrics: true,
    ...mk(ctx, { alertname: "KubeCPUOvercommit", severity: "warning" }, { metrics }, {
      label: "suspected_cluster_overcommit",
      top: "scheduling",
      classification: "actionable",
      logs: "unavailable",
      mentions: ["requests cpu = 85% of allocatable", "3 ready node(s)"],
    }),
  };
}

function controlPlane(ctx: Ctx): FamilyScenario {
  // KubeletTooManyPods, from its runbook: pods running on the node against its pod capacity.
  const make = (state: "ok" | "bad") => {
    const node = `${ctx.prefix}-kubelet-${state}`;
    const running = state === "bad" ? 108 : 30;
    return {
      // The rule aggregates `by (cluster, node)`: the node is all the alert names.
      labels: { node },
      seed: {
        objects: [nodeObject(node, healthyNode)],
        metrics: [
          ...gauge(ctx, "up", { job: "kubelet", instance: `${node}:10250` }, () => 1),
          ...gauge(ctx, "kubelet_running_pods", { node, job: "kubelet" }, () => running),
          ...gauge(ctx, "kube_node_status_capacity", { node, resource: "pods" }, () => 110),
        ],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  return {
    family: "control_plane",
    firing: mk(ctx, { alertname: "KubeletTooManyPods", severity: "info", ...bad.labels }, bad.seed, {
      label: "suspected_kubelet_degraded",
      top: "scheduling",
      classification: "informational",
      logs: "unavailable",
      mentions: ["108 pods running of a capacity of 110 (98%)"],
    }),
    healthy: mk(ctx, { alertname: "KubeletTooManyPods", severity: "info", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "informational", logs: "unavailable" }),
    blocked: ["B", "D"],
    variants: [schedulerNotScraped(ctx), apiserverErrors(ctx), etcdSpace(ctx)],
  };
}

function schedulerNotScraped(ctx: Ctx): Case & { name: string } {
  // KubeSchedulerDown: absent(up{job="kube-scheduler"}) — no target at all, while other jobs are scraped.
  return {
    name: "KubeSchedulerDown with no scheduler target",
    ...mk(ctx, { alertname: "KubeSchedulerDown", severity: "critical" }, { metrics: gauge(ctx, "up", { job: "kube-controller-manager", instance: `${ctx.prefix}-cp:10257` }, () => 1) }, {
      label: "suspected_component_down",
      top: "control_plane",
      classification: "actionable",
      logs: "unavailable",
      mentions: ['count(up{job="kube-scheduler"}) returned no series'],
    }),
  };
}

function apiserverErrors(ctx: Ctx): Case & { name: string } {
  // KubeAPIErrorBudgetBurn: the API server's own 5xx ratio and whether it sheds load.
  const base = { job: "apiserver", instance: `${ctx.prefix}-cp:6443` };
  return {
    name: "KubeAPIErrorBudgetBurn with 5xx answers",
    ...mk(
      ctx,
      { alertname: "KubeAPIErrorBudgetBurn", severity: "critical", long: "1h", short: "5m" },
      {
        metrics: [
          ...gauge(ctx, "up", base, () => 1),
          ...counter(ctx, "apiserver_request_total", { ...base, code: "200", verb: "GET" }, () => 90),
          ...counter(ctx, "apiserver_request_total", { ...base, code: "503", verb: "GET" }, (m) => (m < 30 ? 10 : 0)),
        ],
      },
      { label: "suspected_apiserver_overload", top: "control_plane", classification: "actionable", logs: "unavailable", mentions: ["5xx ratio 10% now"] },
    ),
  };
}

function etcdSpace(ctx: Ctx): Case & { name: string } {
  // etcdBackendQuotaLowSpace: database size against its space quota.
  const base = { job: "etcd", instance: `${ctx.prefix}-cp:2379` };
  return {
    name: "etcdBackendQuotaLowSpace",
    ...mk(
      ctx,
      { alertname: "etcdBackendQuotaLowSpace", severity: "critical", ...base },
      {
        metrics: [
          ...gauge(ctx, "up", base, () => 1),
          ...gauge(ctx, "etcd_server_has_leader", base, () => 1),
          ...gauge(ctx, "etcd_mvcc_db_total_size_in_bytes", base, () => 7.6 * 2 ** 30),
          ...gauge(ctx, "etcd_server_quota_backend_bytes", base, () => 8 * 2 ** 30),
        ],
      },
      { label: "suspected_etcd_degraded", top: "disk_full", classification: "actionable", logs: "unavailable", mentions: ["database at 95% of its space quota"] },
    ),
  };
}

function meta(ctx: Ctx): FamilyScenario {
  const firing = (labels: Labels) => gauge(ctx, "ALERTS", { ...labels, alertstate: "firing" }, () => 1);
  const watchdog = { alertname: "Watchdog", severity: "none" };
  const deadMan = { alertname: "DeadMansSwitch", severity: "none", prometheus: `${ctx.prefix}/k8s` };
  // InfoInhibitor fires per namespace that has info alerts and no warning or critical one.
  const inhibitor = { alertname: "InfoInhibitor", severity: "none", namespace: `${ctx.prefix}-meta` };
  const infoOnly = { ...inhibitor, namespace: `${ctx.prefix}-meta-info` };
  return {
    family: "meta",
    // Both always fire by design: Prometheus's ALERTS series shows it, and the verdict says it is not a page.
    firing: mk(ctx, watchdog, { metrics: firing(watchdog) }, { label: "heartbeat", top: "noise", classification: "informational", logs: "unavailable" }),
    healthy: mk(ctx, inhibitor, { metrics: firing(inhibitor) }, { label: "expected_inhibitor", top: "noise", classification: "informational", logs: "empty" }),
    blocked: [],
    variants: [
      { name: "InfoInhibitor in a namespace with info alerts only", ...mk(ctx, infoOnly, { metrics: firing(infoOnly) }, { label: "expected_inhibitor", top: "noise", classification: "informational", logs: "empty" }) },
      { name: "DeadMansSwitch, the older name of the heartbeat", ...mk(ctx, deadMan, { metrics: firing(deadMan) }, { label: "heartbeat", top: "noise", classification: "informational", logs: "unavailable" }) },
    ],
  };
}

function generic(ctx: Ctx): FamilyScenario {
  const make = (state: "ok" | "bad", key = "generic", said?: string[]) => {
    const p = podScenario(ctx, key, state);
    const crashing = state === "bad";
    const refused = `FATAL: cannot start: dial tcp ledger.${p.namespace}.svc:5432: connect: connection refused`;
    const lines = crashing ? (said ?? ["starting checkout v1.2.3", refused, refused]) : neutralLines;
    const expr = `${seriesName("checkout_health_check_ok", { namespace: p.namespace, pod: p.pod })} == 0`;
    return {
      labels: p.labels,
      expr,
      seed: {
        metrics: [
          ...gauge(ctx, "checkout_health_check_ok", { namespace: p.namespace, pod: p.pod }, (m) => (crashing && m < 20 ? 0 : 1)),
          ...counter(ctx, "kube_pod_container_status_restarts_total", p.labels, (m) => (crashing && m < 20 ? 1 / 240 : 0)),
          ...gauge(ctx, "kube_pod_container_status_ready", p.labels, (m) => (crashing && m < 20 ? 0 : 1)),
          ...gauge(ctx, "container_memory_working_set_bytes", p.labels, () => 9e7),
        ],
        objects: [
          podObject(ctx, {
            ...p,
            name: p.pod,
            phase: "Running",
            container: crashing
              ? {
                  ready: false,
                  restartCount: 5,
                  state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 2m40s restarting failed container=app" } },
                  lastState: { terminated: { reason: "Error", exitCode: 1, startedAt: ago(ctx, 3).toISOString(), finishedAt: ago(ctx, 2).toISOString() } },
                }
              : { ready: true },
          }),
          nodeObject(p.node, healthyNode),
          ...(crashing ? [eventObject(ctx, p.namespace, { kind: "Pod", name: p.pod }, "BackOff", "Back-off restarting failed container app")] : []),
        ],
        podLogs: crashing ? [{ namespace: p.namespace, pod: p.pod, container: "app", previous: true, lines }] : [],
        streams: [stream(ctx, p.labels, lines)],
      },
    };
  };
  const bad = make("bad");
  const ok = make("ok");
  // Prometheus puts the rule's expression in the generatorURL; the generic family runs it.
  const withExpr = (c: Case, expr: string): Case => ({
    ...c,
    alert: { ...c.alert, generatorURL: `http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1` },
  });
  return {
    family: "generic",
    firing: withExpr(
      mk(ctx, { alertname: "CheckoutHealthCheckFailing", severity: "critical", ...bad.labels }, bad.seed, {
        // No dedicated investigation: the enrichment stays unknown, the base triage and the logs carry the diagnosis.
        label: "unknown_needs_human",
        top: "dependency_unavailable",
        classification: "actionable",
        logs: "ok",
        mentions: ["waiting: CrashLoopBackOff", "last terminated: Error (exit 1)", `ledger.${bad.labels.namespace}.svc:5432`, "CheckoutHealthCheckFailing rule expression: last 0"],
      }),
      bad.expr,
    ),
    healthy: withExpr(
      mk(ctx, { alertname: "CheckoutHealthCheckFailing", severity: "critical", ...ok.labels }, ok.seed, { label: "unknown_needs_human", top: "unknown", classification: "actionable", logs: "ok" }),
      ok.expr,
    ),
    blocked: ["B", "C", "D"],
    variants: [
      (() => {
        const v = make("bad", "genpanic", ["starting checkout v1.2.3", "panic: runtime error: invalid memory address or nil pointer dereference", "goroutine 1 [running]:"]);
        return {
          name: "the same crash-looping pod, logging a panic",
          ...withExpr(mk(ctx, { alertname: "CheckoutHealthCheckFailing", severity: "critical", ...v.labels }, v.seed, { label: "unknown_needs_human", top: "app_crash", classification: "actionable", logs: "ok", mentions: ["waiting: CrashLoopBackOff"] }), v.expr),
        };
      })(),
      (() => {
        // The look-alike of a dependency failure: the same symptom, but the process cannot read its configuration.
        const v = make("bad", "genconfig", ["starting checkout v1.2.3", "Error: environment variable LEDGER_URL is not set"]);
        return {
          name: "the same crash-looping pod, missing an environment variable",
          ...withExpr(mk(ctx, { alertname: "CheckoutHealthCheckFailing", severity: "critical", ...v.labels }, v.seed, { label: "unknown_needs_human", top: "config_error", classification: "actionable", logs: "ok", mentions: ["LEDGER_URL"] }), v.expr),
        };
      })(),
    ],
  };
}

/** One scenario per family; `prefix` must be a lowercase DNS-label fragment, unique per run. */
export function buildScenarios(ctx: Ctx): FamilyScenario[] {
  const all = [
    crashloop(ctx),
    podNotHealthy(ctx),
    oomKilled(ctx),
    cpuThrottling(ctx),
    http5xx(ctx),
    latency(ctx),
    targetDown(ctx),
    jobFailed(ctx),
    rollout(ctx),
    nodeHealth(ctx),
    memoryPressure(ctx),
    queueBacklog(ctx),
    cacheChurn(ctx),
    volumeFilling(ctx),
    certExpiry(ctx),
    replicationLag(ctx),
    observabilityPipeline(ctx),
    capacity(ctx),
    controlPlane(ctx),
    meta(ctx),
    generic(ctx),
  ];
  for (const s of all) {
    for (const c of [s.firing, s.healthy]) {
      const family = familyOf(c.alert.alertname, c.alert.labels);
      if (family !== s.family) throw new Error(`scenario ${s.family}: alert ${c.alert.alertname} maps to family ${family}`);
    }
  }
  return all;
}

/** Everything the peers must hold for these cases, merged. */
/** The peers' shared data for `cases`: everything but the metrics of `ownMetrics` cases (see `Case`). */
export function seedOf(cases: Case[]): Seed {
  const seed = emptySeed();
  for (const c of cases) {
    if (!c.ownMetrics) seed.metrics.push(...c.seed.metrics);
    seed.objects.push(...c.seed.objects);
    seed.podLogs.push(...c.seed.podLogs);
    seed.streams.push(...c.seed.streams);
  }
  return seed;
}

/* Workload resolution (issue 11 §2) and the 5xx/latency look-alikes (§3): alerts that name a Service,
 * an exporter, a queue or a scraper, with the workload behind them only in the cluster. */

function ownedPod(ctx: Ctx, p: { namespace: string; name: string; owner: { kind: string; name: string }; labels: Labels; phase?: string; ready?: boolean; startedMinutesAgo?: number }): KubeObject {
  const pod = podObject(ctx, { namespace: p.namespace, name: p.name, phase: p.phase ?? "Running", labels: p.labels, container: { ready: p.ready ?? true } });
  pod.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: p.owner.kind, name: p.owner.name, uid: `${p.owner.name}-uid`, controller: true }];
  if (p.startedMinutesAgo !== undefined) (pod.status as { startTime: string }).startTime = ago(ctx, p.startedMinutesAgo).toISOString();
  return pod;
}

function serviceObject(namespace: string, name: string, selector: Labels): KubeObject {
  return { kind: "Service", metadata: { name, namespace }, spec: { selector, clusterIP: "10.96.0.10", ports: [{ port: 80 }] } };
}

/** A Deployment with one ReplicaSet per revision (newest first), its pods named `<replicaset>-<id>`. */
function deploymentWithRevisions(ctx: Ctx, namespace: string, name: string, revisions: Array<{ rs: string; revision: string; minutesAgo: number; image: string }>): KubeObject[] {
  const uid = `${namespace}-${name}-uid`;
  const template = (image: string) => ({ metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image }] } });
  const newest = revisions[0] as { image: string };
  return [
    {
      kind: "Deployment",
      metadata: { name, namespace, uid, generation: 2 },
      spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: template(newest.image) },
      status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
    ...revisions.map(
      (r): KubeObject => ({
        kind: "ReplicaSet",
        metadata: {
          name: r.rs,
          namespace,
          uid: `${r.rs}-uid`,
          labels: { app: name },
          annotations: { "deployment.kubernetes.io/revision": r.revision },
          creationTimestamp: ago(ctx, r.minutesAgo).toISOString(),
          ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, uid, controller: true }],
        },
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: template(r.image) },
        status: { replicas: 1 },
      }),
    ),
  ];
}

function serviceRolloutRegression(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-svc-rollout`;
  const fresh = "checkout-5c8d9f7b6";
  const old = "checkout-7d9f8c6a4";
  const labels = { namespace, service: "checkout" };
  const objects = [
    serviceObject(namespace, "checkout", { app: "checkout" }),
    ...deploymentWithRevisions(ctx, namespace, "checkout", [
      { rs: fresh, revision: "8", minutesAgo: 25, image: "registry.example/checkout:2.4.0" },
      { rs: old, revision: "7", minutesAgo: 60 * 24 * 6, image: "registry.example/checkout:2.3.9" },
    ]),
    ownedPod(ctx, { namespace, name: `${fresh}-qx7lm`, owner: { kind: "ReplicaSet", name: fresh }, labels: { app: "checkout" }, startedMinutesAgo: 24 }),
    ownedPod(ctx, { namespace, name: `${old}-b2k9p`, owner: { kind: "ReplicaSet", name: old }, labels: { app: "checkout" }, startedMinutesAgo: 600 }),
  ];
  const perPod = (pod: string, errors: (m: number) => number) => [
    ...counter(ctx, "http_requests_total", { ...labels, pod, code: "200" }, () => 10),
    ...counter(ctx, "http_requests_total", { ...labels, pod, code: "500" }, errors),
  ];
  return {
    name: "Service-level 5xx: the Service's pods and Deployment are found, errors come only from the new ReplicaSet",
    ...mk(
      ctx,
      { alertname: "Http5xxRateHigh", severity: "critical", ...labels },
      { metrics: [...perPod(`${fresh}-qx7lm`, (m) => (m < 24 ? 4 : 0)), ...perPod(`${old}-b2k9p`, () => 0)], objects, streams: [stream(ctx, labels, ["POST /cart 500 3ms", "POST /cart 200 12ms"])] },
      {
        label: "suspected_rollout_regression",
        top: "bad_rollout",
        classification: "actionable",
        logs: "ok",
        mentions: ["Service " + namespace + "/checkout selects app=checkout: 2 pod(s)", "owned by Deployment checkout", "comes from the new revision's pods", `${fresh}-qx7lm`],
      },
    ),
  };
}

function serviceRolloutLogs(ctx: Ctx): Case & { name: string } {
  // No per-pod metric and no logs backend: the pods' own logs, read from three of them, tell the revisions apart.
  const namespace = `${ctx.prefix}-svc-rollout-logs`;
  const fresh = "cart-6b7c8d9f5";
  const old = "cart-8f9a7b6c5";
  const labels = { namespace, service: "cart" };
  const pods = [`${fresh}-r2d2x`, `${old}-a1b2c`, `${old}-d3e4f`];
  const objects = [
    serviceObject(namespace, "cart", { app: "cart" }),
    ...deploymentWithRevisions(ctx, namespace, "cart", [
      { rs: fresh, revision: "4", minutesAgo: 25, image: "registry.example/cart:1.9.0" },
      { rs: old, revision: "3", minutesAgo: 60 * 24 * 3, image: "registry.example/cart:1.8.2" },
    ]),
    ownedPod(ctx, { namespace, name: pods[0] as string, owner: { kind: "ReplicaSet", name: fresh }, labels: { app: "cart" }, startedMinutesAgo: 24 }),
    ownedPod(ctx, { namespace, name: pods[1] as string, owner: { kind: "ReplicaSet", name: old }, labels: { app: "cart" }, startedMinutesAgo: 900 }),
    ownedPod(ctx, { namespace, name: pods[2] as string, owner: { kind: "ReplicaSet", name: old }, labels: { app: "cart" }, startedMinutesAgo: 800 }),
  ];
  const panic = "panic: runtime error: invalid memory address or nil pointer dereference";
  return {
    name: "Service-level 5xx without per-pod metrics: logs of three pods read, the panics come only from the new ReplicaSet's pod",
    ...mk(
      ctx,
      { alertname: "Http5xxRateHigh", severity: "critical", ...labels },
      {
        metrics: [
          ...counter(ctx, "http_requests_total", { ...labels, code: "200" }, () => 10),
          ...counter(ctx, "http_requests_total", { ...labels, code: "500" }, (m) => (m < 24 ? 3 : 0)),
        ],
        objects,
        podLogs: [
          { namespace, pod: pods[0] as string, container: "app", lines: ["GET /cart 200 4ms", panic, "GET /cart 500 1ms", panic] },
          { namespace, pod: pods[1] as string, container: "app", lines: ["GET /cart 200 5ms", "GET /cart 200 6ms"] },
          { namespace, pod: pods[2] as string, container: "app", lines: ["GET /cart 200 3ms"] },
        ],
      },
      {
        label: "suspected_rollout_regression",
        top: "bad_rollout",
        classification: "actionable",
        logs: "ok",
        mentions: [`come only from the new revision's pods (${pods[0]})`],
      },
    ),
  };
}

function dependencyDown(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-svc-dep`;
  const labels = { namespace, service: "orders-api" };
  const refused = `ERROR placing order: dial tcp orders-db.${namespace}.svc:5432: connect: connection refused`;
  const apiPod = podObject(ctx, { namespace, name: "orders-api-0", phase: "Running", labels: { app: "orders-api" }, container: { ready: true } });
  const dbPod = podObject(ctx, { namespace, name: "orders-db-0", phase: "Pending", labels: { app: "orders-db" }, container: { ready: false, state: { waiting: { reason: "ContainerCreating" } } } });
  const slice: KubeObject = {
    kind: "EndpointSlice",
    metadata: { name: "orders-db-x1", namespace, labels: { "kubernetes.io/service-name": "orders-db" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.244.1.7"], conditions: { ready: false }, targetRef: { kind: "Pod", name: "orders-db-0", namespace } }],
    ports: [{ port: 5432 }],
  };
  return {
    name: "5xx from an upstream named in the logs: its Service has no ready endpoint because its pod is Pending",
    ...mk(
      ctx,
      { alertname: "Http5xxRateHigh", severity: "critical", ...labels },
      {
        metrics: [
          ...counter(ctx, "http_requests_total", { ...labels, code: "200" }, () => 10),
          ...counter(ctx, "http_requests_total", { ...labels, code: "503" }, (m) => (m < 20 ? 5 : 0)),
        ],
        objects: [serviceObject(namespace, "orders-api", { app: "orders-api" }), apiPod, serviceObject(namespace, "orders-db", { app: "orders-db" }), slice, dbPod],
        // Lines labelled by Service only: the one pod behind orders-api is where they came from.
        streams: [stream(ctx, labels, [refused, refused, "POST /orders 503 2ms"])],
      },
      {
        label: "suspected_dependency_failure",
        top: "dependency_unavailable",
        classification: "actionable",
        logs: "ok",
        mentions: [`Service ${namespace}/orders-db has 0 ready endpoint(s) and 1 not ready`, "orders-db-0 is Pending (ContainerCreating)", "from 1 pod(s): orders-api-0"],
      },
    ),
  };
}

/** A Deployment `api` behind Service `api`, its one pod `api-6f7c8d9b5-k2x8q`, revision created days ago. */
function steadyService(ctx: Ctx, namespace: string) {
  const rs = "api-6f7c8d9b5";
  const pod = `${rs}-k2x8q`;
  const objects = [
    serviceObject(namespace, "api", { app: "api" }),
    ...deploymentWithRevisions(ctx, namespace, "api", [{ rs, revision: "3", minutesAgo: 60 * 24 * 3, image: "registry.example/api:5.1.0" }]),
    ownedPod(ctx, { namespace, name: pod, owner: { kind: "ReplicaSet", name: rs }, labels: { app: "api" }, startedMinutesAgo: 60 * 24 }),
  ];
  return { objects, pod, labels: { namespace, service: "api" } };
}

/** Cumulative latency histogram for `labels`: `slowShare(m)` of 20 req/s take longer than 1 s. */
function latencyHistogram(ctx: Ctx, name: string, labels: Labels, slowShare: (m: number) => number): string[] {
  return [
    ["0.05", (m: number) => 20 * (1 - slowShare(m)) * 0.5],
    ["0.25", (m: number) => 20 * (1 - slowShare(m))],
    ["1", (m: number) => 20 * (1 - slowShare(m))],
    ["2.5", () => 20],
    ["+Inf", () => 20],
  ].flatMap(([le, rate]) => counter(ctx, name, { ...labels, le: le as string }, rate as (m: number) => number));
}

function latencySaturation(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-svc-sat`;
  const s = steadyService(ctx, namespace);
  const podLabels = { namespace, pod: s.pod, container: "app" };
  const hpa = { namespace, horizontalpodautoscaler: "api" };
  return {
    name: "Latency from saturation: the Service's pods run at their CPU limit, throttled, with the autoscaler at its maximum",
    ...mk(
      ctx,
      { alertname: "APILatencyHigh", severity: "warning", ...s.labels },
      {
        metrics: [
          ...latencyHistogram(ctx, "http_request_duration_seconds_bucket", s.labels, (m) => (m < 25 ? 0.4 : 0.01)),
          ...counter(ctx, "http_requests_total", { ...s.labels, code: "200" }, () => 20),
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, (m) => (m < 25 ? 0.49 : 0.3)),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5),
          ...counter(ctx, "container_cpu_cfs_periods_total", podLabels, () => 10),
          ...counter(ctx, "container_cpu_cfs_throttled_periods_total", podLabels, (m) => (m < 25 ? 6 : 0.5)),
          ...gauge(ctx, "kube_horizontalpodautoscaler_status_current_replicas", hpa, () => 6),
          ...gauge(ctx, "kube_horizontalpodautoscaler_spec_max_replicas", hpa, () => 6),
        ],
        objects: s.objects,
        streams: [stream(ctx, s.labels, ["GET /search 200 1840ms", "GET /search 200 2210ms"])],
      },
      {
        label: "suspected_saturation",
        top: "saturation",
        classification: "actionable",
        logs: "ok",
        mentions: ["owned by Deployment api", "of their CPU limit at peak", "CPU periods throttled at peak", "the autoscaler is at its maximum replicas"],
      },
    ),
  };
}

function latencySlowDatabase(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-svc-db`;
  const s = steadyService(ctx, namespace);
  const podLabels = { namespace, pod: s.pod, container: "app" };
  return {
    name: "Latency from a slow database: the client's query-duration p95 climbs with request latency, CPU has headroom",
    ...mk(
      ctx,
      { alertname: "APILatencyHigh", severity: "warning", ...s.labels },
      {
        metrics: [
          ...latencyHistogram(ctx, "http_request_duration_seconds_bucket", s.labels, (m) => (m < 25 ? 0.4 : 0.01)),
          ...latencyHistogram(ctx, "db_query_duration_seconds_bucket", { namespace, pod: s.pod }, (m) => (m < 25 ? 0.5 : 0)),
          ...counter(ctx, "http_requests_total", { ...s.labels, code: "200" }, () => 20),
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => 0.1),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5),
        ],
        objects: s.objects,
        streams: [stream(ctx, s.labels, ["GET /orders 200 1500ms", "GET /orders 200 1720ms"])],
      },
      {
        label: "suspected_database_slow",
        top: "database_slow",
        classification: "actionable",
        logs: "ok",
        mentions: ["database query p95", "owned by Deployment api"],
      },
    ),
  };
}

/** The look-alike of a slow service: its own CPU is idle, its calls to `payments` time out, and payments' own latency rose at the same time. */
function latencyFromUpstream(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-svc-upstream`;
  const upstreamNs = `${ctx.prefix}-payments`;
  const upstream = `payments.${upstreamNs}.svc:8080`;
  const s = steadyService(ctx, namespace);
  const podLabels = { namespace, pod: s.pod, container: "app" };
  const timeout = `ERROR checkout failed: Post "http://${upstream}/v1/charges": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  const slice: KubeObject = {
    kind: "EndpointSlice",
    metadata: { name: "payments-p7k2", namespace: upstreamNs, labels: { "kubernetes.io/service-name": "payments" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.244.3.9"], conditions: { ready: true }, targetRef: { kind: "Pod", name: "payments-5c9d7-abcde", namespace: upstreamNs } }],
    ports: [{ port: 8080 }],
  };
  const upstreamLabels = { namespace: upstreamNs, service: "payments" };
  return {
    name: "Latency from a slow upstream: calls to payments time out in the logs and payments' own latency climbs, CPU has headroom",
    ...mk(
      ctx,
      { alertname: "APILatencyHigh", severity: "warning", quantile: "0.99", ...s.labels },
      {
        metrics: [
          ...latencyHistogram(ctx, "http_request_duration_seconds_bucket", s.labels, (m) => (m < 25 ? 0.4 : 0.01)),
          ...counter(ctx, "http_requests_total", { ...s.labels, code: "200" }, () => 20),
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => 0.08),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5),
          ...latencyHistogram(ctx, "http_request_duration_seconds_bucket", upstreamLabels, (m) => (m < 25 ? 0.5 : 0.01)),
          ...counter(ctx, "http_requests_total", { ...upstreamLabels, code: "200" }, () => 20),
        ],
        objects: [
          ...s.objects,
          serviceObject(upstreamNs, "payments", { app: "payments" }),
          slice,
          podObject(ctx, { namespace: upstreamNs, name: "payments-5c9d7-abcde", phase: "Running", labels: { app: "payments" }, container: { ready: true } }),
        ],
        streams: [stream(ctx, s.labels, [timeout, "POST /checkout 200 2870ms", timeout, timeout])],
      },
      {
        label: "suspected_dependency_latency",
        top: "dependency_latency",
        classification: "actionable",
        logs: "ok",
        mentions: [
          `Upstream ${upstreamNs}/payments is slow or times out`,
          `connection timed out (${upstream}) ×3`,
          "context deadline exceeded",
          `Service ${upstreamNs}/payments has 1 ready endpoint(s)`,
          `upstream ${upstreamNs}/payments p95 latency `,
        ],
        minConfidence: 80,
      },
    ),
  };
}

function cronJobFailed(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-cron`;
  const cron = "billing-rollup";
  const cronUid = `${ctx.prefix}-cron-uid`;
  const job = (name: string, image: string, failed: boolean, minutesAgo: number): KubeObject => ({
    kind: "Job",
    metadata: { name, namespace, labels: { "job-name": name }, ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: cron, uid: cronUid, controller: true }] },
    spec: { completions: 1, backoffLimit: 2, template: { spec: { containers: [{ name: "app", image }] } } },
    status: failed
      ? { failed: 3, startTime: ago(ctx, minutesAgo).toISOString(), conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] }
      : { succeeded: 1, startTime: ago(ctx, minutesAgo).toISOString(), completionTime: ago(ctx, minutesAgo - 5).toISOString() },
  });
  const failedJob = `${cron}-29112260`;
  const pod = podObject(ctx, {
    namespace,
    name: `${failedJob}-7hx2c`,
    phase: "Failed",
    labels: { "job-name": failedJob },
    container: { ready: false, state: { terminated: { reason: "Error", exitCode: 1, finishedAt: ago(ctx, 22).toISOString() } } },
  });
  const lines = ["rolling up invoices for 2026-12-03", "Traceback (most recent call last):", "ValueError: invalid literal for int() with base 10: 'N/A'"];
  // kube-state-metrics' own pod, container and job labels ride on the alert: the Job is the subject.
  const ksm = { pod: "kube-state-metrics-7d9c5b4f8-xk2lp", container: "kube-state-metrics", job: "kube-state-metrics", service: "kube-state-metrics" };
  return {
    name: "CronJob run fails (kube-state-metrics labels): the failed pod's exit code and last lines, and the image change since the last good run",
    ...mk(
      ctx,
      { alertname: "KubeJobFailed", severity: "warning", namespace, job_name: failedJob, ...ksm },
      {
        metrics: gauge(ctx, "kube_job_status_failed", { namespace, job_name: failedJob }, (m) => (m < 22 ? 3 : 0)),
        objects: [
          { kind: "CronJob", metadata: { name: cron, namespace, uid: cronUid }, spec: { schedule: "0 * * * *", suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: "app", image: "registry.example/billing:4.0.0" }] } } } } }, status: {} },
          job(failedJob, "registry.example/billing:4.0.0", true, 25),
          job(`${cron}-29112200`, "registry.example/billing:3.9.2", false, 85),
          pod,
        ],
        podLogs: [{ namespace, pod: `${failedJob}-7hx2c`, container: "app", lines }],
      },
      {
        label: "job_failed_exit_1",
        top: "app_crash",
        classification: "actionable",
        logs: "ok",
        mentions: [`pod ${failedJob}-7hx2c exited with code 1 (Error)`, "ValueError: invalid literal for int()", "image changed since the last successful run"],
      },
    ),
  };
}

function queueConsumers(ctx: Ctx, kind: "saturated" | "spike" | "throttled"): Case & { name: string } {
  const namespace = `${ctx.prefix}-q-${kind}`;
  const queue = `${ctx.prefix}-${kind}-invoices`;
  const q = { queue };
  // Throttled: CPU well under the limit on average, yet the CFS quota holds the workers back in bursts.
  const throttled = kind === "throttled";
  const saturated = kind === "saturated" || throttled;
  const rs = "invoice-worker-5d6f7c8b9";
  const pod = `${rs}-m4n7p`;
  const podLabels = { namespace, pod, container: "app" };
  const worker: KubeObject = {
    kind: "Deployment",
    metadata: { name: "invoice-worker", namespace, uid: `${namespace}-worker`, generation: 1, labels: { app: "invoice-worker" } },
    spec: { replicas: 4, selector: { matchLabels: { app: "invoice-worker" } }, template: { metadata: { labels: { app: "invoice-worker" } }, spec: { containers: [{ name: "app", image: "registry.example/invoices:1.8" }] } } },
    status: { observedGeneration: 1, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4 },
  };
  const web: KubeObject = { ...worker, metadata: { name: "web-frontend", namespace, uid: `${namespace}-web`, labels: { app: "web-frontend" } } };
  return {
    name: throttled
      ? "Queue backlog, consumer found by name: workers at 60% of their CPU limit on average but throttled in half their CPU periods, processing flat"
      : saturated
      ? "Queue backlog, consumer found by name (no deployment label): workers at their CPU limit, processing flat below publishing"
      : "Queue backlog, consumer found by name: producers publish 4× more while the workers keep their pace",
    ...mk(
      ctx,
      { alertname: "RabbitmqQueueBacklog", severity: "warning", namespace, queue },
      {
        metrics: [
          ...gauge(ctx, "rabbitmq_queue_messages_ready", q, (m) => (m < 20 ? 100 + (saturated ? 30 : 90) * (20 - m) : 100)),
          ...gauge(ctx, "rabbitmq_queue_consumers", q, () => 4),
          ...counter(ctx, "rabbitmq_queue_messages_published_total", q, (m) => (saturated ? 20 : m < 20 ? 80 : 20)),
          ...counter(ctx, "rabbitmq_queue_messages_delivered_total", q, () => (saturated ? 15 : 21)),
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => (throttled ? 0.3 : saturated ? 0.49 : 0.2)),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5),
          ...(throttled
            ? [...counter(ctx, "container_cpu_cfs_periods_total", podLabels, () => 10), ...counter(ctx, "container_cpu_cfs_throttled_periods_total", podLabels, () => 5)]
            : []),
        ],
        objects: [worker, web],
      },
      throttled
        ? { label: "suspected_worker_starvation", top: "queue_starvation", classification: "actionable", logs: "empty", mentions: ["50% of the workers' CPU periods throttled at peak"] }
        : saturated
        ? { label: "suspected_worker_starvation", top: "queue_starvation", classification: "actionable", logs: "empty", mentions: [`Deployment invoice-worker in ${namespace} is named after ${queue}`, "workers use 98% of their CPU limit at peak"] }
        : { label: "suspected_producer_spike", top: "saturation", classification: "actionable", logs: "empty", mentions: [`Deployment invoice-worker in ${namespace} is named after ${queue}`, "consumers work at their usual pace"] },
    ),
  };
}

function kafkaConsumerFromMetrics(ctx: Ctx): Case & { name: string } {
  // The consumer is named after nothing the group says; kafka-lag-exporter's client_id (pod name plus the client's `-1`) leads to it.
  const namespace = `${ctx.prefix}-kafka-cg`;
  const consumergroup = `${ctx.prefix}-billing-v2`;
  const topic = `${ctx.prefix}-payments`;
  const rs = "ledger-sync-6d5c4b3a2";
  const pod = `${rs}-k8j7h`;
  const podLabels = { namespace, pod, container: "app" };
  const cg = { consumergroup, topic };
  const objects = [
    ...deploymentWithRevisions(ctx, namespace, "ledger-sync", [{ rs, revision: "2", minutesAgo: 60 * 24 * 2, image: "registry.example/ledger:5.0" }]),
    ownedPod(ctx, { namespace, name: pod, owner: { kind: "ReplicaSet", name: rs }, labels: { app: "ledger-sync" }, startedMinutesAgo: 600 }),
    { ...deploymentWithRevisions(ctx, namespace, "web-frontend", [{ rs: "web-frontend-5b4c3d2e1", revision: "1", minutesAgo: 9000, image: "registry.example/web:1.0" }])[0] } as KubeObject,
  ];
  return {
    name: "Kafka consumer-group lag, consumer not named after the group: kafka-lag-exporter's client_id names its pod, whose workers are at their CPU limit",
    ...mk(
      ctx,
      { alertname: "KafkaConsumerLagHigh", severity: "warning", namespace, consumergroup, topic },
      {
        metrics: [
          ...gauge(ctx, "kafka_consumergroup_lag", cg, (m) => (m < 20 ? 500 + 40 * (20 - m) : 500)),
          ...gauge(ctx, "kafka_consumergroup_members", { consumergroup }, () => 1),
          ...counter(ctx, "kafka_topic_partition_current_offset", { topic }, () => 20),
          ...counter(ctx, "kafka_consumergroup_current_offset", cg, () => 15),
          ...gauge(ctx, "kafka_consumergroup_group_lag", { group: consumergroup, topic, partition: "0", client_id: `${pod}-1`, member_host: "/10.244.9.9", job: "kafka-lag-exporter" }, () => 500),
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => 0.49),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5),
        ],
        objects,
      },
      { label: "suspected_worker_starvation", top: "queue_starvation", classification: "actionable", logs: "empty", mentions: ["workers use 98% of their CPU limit at peak"] },
    ),
  };
}

function workerDeployment(namespace: string, name: string, replicas: number): KubeObject {
  return {
    kind: "Deployment",
    metadata: { name, namespace, uid: `${namespace}-${name}`, generation: 1, labels: { app: name } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: `registry.example/${name}:3.1` }] } } },
    status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

function natsConsumer(ctx: Ctx, kind: "saturated" | "gone"): Case & { name: string } {
  // prometheus-nats-exporter (-jsz=all) series: the consumer's pending and ack-pending gauges, the stream's and consumer's sequences.
  const namespace = `${ctx.prefix}-nats-${kind}`;
  const stream = `${ctx.prefix}-${kind}-SHIPMENTS`;
  const consumer = `${ctx.prefix}-${kind}-shipment-processor`;
  const c = { stream_name: stream, consumer_name: consumer, is_consumer_leader: "true" };
  const pod = "shipment-processor-7c9d8b6f5-q2w3e";
  const podLabels = { namespace, pod, container: "app" };
  const gone = kind === "gone";
  return {
    name: gone
      ? "NATS JetStream consumer pending grows, nothing delivered and nothing awaiting ack: no client fetches"
      : "NATS JetStream consumer pending grows, consumer found by name: its pods at their CPU limit, acks flat below publishing",
    ...mk(
      ctx,
      { alertname: "NatsConsumerPendingHigh", severity: "warning", namespace, stream_name: stream, consumer_name: consumer },
      {
        metrics: [
          ...gauge(ctx, "jetstream_consumer_num_pending", c, (m) => (m < 20 ? 200 + 40 * (20 - m) : 200)),
          ...gauge(ctx, "jetstream_consumer_num_ack_pending", c, (m) => (gone && m < 20 ? 0 : 64)),
          ...counter(ctx, "jetstream_stream_last_seq", { stream_name: stream }, () => 20),
          ...counter(ctx, "jetstream_consumer_delivered_consumer_seq", c, (m) => (gone && m < 20 ? 0 : 15)),
          ...counter(ctx, "jetstream_consumer_ack_floor_consumer_seq", c, (m) => (gone && m < 20 ? 0 : 15)),
          ...(gone
            ? []
            : [...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => 0.49), ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5)]),
        ],
        objects: [workerDeployment(namespace, "shipment-processor", gone ? 0 : 3), workerDeployment(namespace, "web-frontend", 2)],
      },
      gone
        ? { label: "suspected_worker_starvation", top: "queue_starvation", classification: "actionable", logs: "empty", mentions: ["No consumer is processing the queue", "no consumer fetches"] }
        : {
            label: "suspected_worker_starvation",
            top: "queue_starvation",
            classification: "actionable",
            logs: "empty",
            mentions: [`Deployment shipment-processor in ${namespace} is named after ${consumer}`, "workers use 98% of their CPU limit at peak"],
          },
    ),
  };
}

function sqsPublishSpike(ctx: Ctx): Case & { name: string } {
  // YACE (yet-another-cloudwatch-exporter) series: CloudWatch's per-5-minute SQS statistics as gauges, named by dimension_QueueName.
  const namespace = `${ctx.prefix}-sqs`;
  const queue = `${ctx.prefix}-email-outbox`;
  const q = { dimension_QueueName: queue, region: "eu-west-1" };
  const pod = "email-worker-6f5e4d3c2-z9x8c";
  const podLabels = { namespace, pod, container: "app" };
  return {
    name: "SQS queue backlog: producers send 4× more per period while the workers delete at their usual pace, well under their CPU limit",
    ...mk(
      ctx,
      { alertname: "SQSQueueBacklog", severity: "warning", namespace, ...q },
      {
        metrics: [
          ...gauge(ctx, "aws_sqs_approximate_number_of_messages_visible_average", q, (m) => (m < 20 ? 100 + 900 * (20 - m) : 100)),
          ...gauge(ctx, "aws_sqs_approximate_number_of_messages_not_visible_average", q, () => 40),
          ...gauge(ctx, "aws_sqs_number_of_messages_sent_sum", q, (m) => (m < 20 ? 24_000 : 6_000)),
          ...gauge(ctx, "aws_sqs_number_of_messages_received_sum", q, () => 6_000),
          ...gauge(ctx, "aws_sqs_number_of_messages_deleted_sum", q, () => 6_000),
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => 0.2),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5),
        ],
        objects: [workerDeployment(namespace, "email-worker", 4), workerDeployment(namespace, "web-frontend", 2)],
      },
      {
        label: "suspected_producer_spike",
        top: "saturation",
        classification: "actionable",
        logs: "empty",
        mentions: ["4.0× its rate at the start of the window", "consumers work at their usual pace"],
      },
    ),
  };
}

function exporterReplicaLag(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-pg-exporter`;
  const replica = "orders-db-replica-0";
  const instance = "10.244.3.21:9187";
  const exporterLabels = { namespace, job: "postgres-exporter", pod: "postgres-exporter-6b7f9c5d4-x2k4p", container: "postgres-exporter", service: "postgres-exporter", instance };
  const podLabels = { namespace, pod: replica, container: "app" };
  const sts: KubeObject = {
    kind: "StatefulSet",
    metadata: { name: "orders-db-replica", namespace, uid: `${namespace}-sts` },
    spec: { replicas: 1, selector: { matchLabels: { app: "orders-db-replica" } }, template: { spec: { containers: [{ name: "app", image: "postgres:16" }] } } },
    status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 },
  };
  const pod = podObject(ctx, { namespace, name: replica, phase: "Running", labels: { app: "orders-db-replica" }, container: { ready: true } });
  pod.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "orders-db-replica", uid: `${namespace}-sts`, controller: true }];
  return {
    name: "Replication lag from postgres-exporter (its own pod and service on the alert): the scraped server's Service leads to the replica pod",
    ...mk(
      ctx,
      { alertname: "PostgresReplicationLagHigh", severity: "critical", ...exporterLabels, server: `orders-db-replica.${namespace}.svc:5432` },
      {
        metrics: [
          ...gauge(ctx, "pg_replication_lag_seconds", exporterLabels, (m) => (m < 25 ? 2 + 7 * (25 - m) : 2)),
          ...gauge(ctx, "pg_stat_replication_write_lag_seconds", primaryRow(namespace, replica), () => 0.1),
          ...counter(ctx, "container_cpu_usage_seconds_total", podLabels, () => 0.48),
          ...gauge(ctx, "kube_pod_container_resource_limits", { ...podLabels, resource: "cpu" }, () => 0.5),
        ],
        objects: [serviceObject(namespace, "orders-db-replica", { app: "orders-db-replica" }), sts, pod],
        streams: [stream(ctx, { namespace, pod: replica, container: "app" }, ["LOG:  started streaming WAL from primary at 3/1A000000 on timeline 1"])],
      },
      {
        label: "suspected_replica_overloaded",
        top: "saturation",
        classification: "actionable",
        logs: "ok",
        mentions: [`Service ${namespace}/orders-db-replica selects app=orders-db-replica: 1 pod(s)`, "owned by StatefulSet orders-db-replica", "replica CPU at 96% of its limit"],
      },
    ),
  };
}

function ksmReplicasMismatch(ctx: Ctx): Case & { name: string } {
  const namespace = `${ctx.prefix}-ksm`;
  const labels = { namespace, deployment: "payments-api" };
  const deployment: KubeObject = {
    kind: "Deployment",
    metadata: { name: "payments-api", namespace, uid: `${namespace}-payments`, generation: 3 },
    spec: { replicas: 3, selector: { matchLabels: { app: "payments-api" } }, template: { metadata: { labels: { app: "payments-api" } }, spec: { containers: [{ name: "app", image: "registry.example/payments:7.2" }] } } },
    status: { observedGeneration: 3, replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable" }] },
  };
  return {
    name: "kube-state-metrics target labels on the alert: the deployment label names the subject, not kube-state-metrics' own pod",
    ...mk(
      ctx,
      { alertname: "KubeDeploymentReplicasMismatch", severity: "warning", ...labels, pod: "kube-state-metrics-7d9c5b4f8-xk2lp", container: "kube-state-metrics", job: "kube-state-metrics", service: "kube-state-metrics", instance: "10.244.0.9:8080" },
      {
        metrics: [...gauge(ctx, "kube_deployment_status_replicas_available", labels, (m) => (m < 25 ? 1 : 3)), ...gauge(ctx, "kube_deployment_spec_replicas", labels, () => 3)],
        objects: [deployment],
      },
      { label: "suspected_replicas_mismatch", top: "scheduling", classification: "actionable", logs: "empty", mentions: ["Deployment payments-api: 1/3 ready"] },
    ),
  };
}
