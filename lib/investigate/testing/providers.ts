import { type Family, familyOf } from "@/lib/alerts/family";
import { identityOf } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { createLogger } from "@/lib/log";
import { investigateAlert } from "../investigate-alert";
import type {
  AlertmanagerProvider,
  ContainerState,
  HorizontalPodAutoscalerFacts,
  KubeEvent,
  KubernetesProvider,
  LogsProvider,
  MetricsProvider,
  NodeFacts,
  PersistentVolumeClaimFacts,
  PersistentVolumeFacts,
  PodFacts,
  Providers,
  ResourceQuotaFacts,
  WorkloadStatus,
} from "../providers/types";
import { type Report, reportSchema } from "../report";

/**
 * Small in-memory providers with fixed answers, implementing the provider contracts, so the engine
 * can be tested while the real providers are tested against their own wire-protocol fakes.
 */

export const NOW = new Date("2026-11-23T12:00:00.000Z");
export const fixedNow = () => NOW;
export const silentLog = createLogger({ level: "silent" });

export function alertOf(labels: Record<string, string>, options: Partial<NormalizedAlert> = {}): NormalizedAlert {
  return {
    fingerprint: `fp-${labels.alertname ?? "x"}-${labels.pod ?? labels.namespace ?? "none"}`,
    status: "firing",
    alertname: labels.alertname ?? "unknown",
    labels,
    annotations: {},
    startsAt: new Date(NOW.getTime() - 20 * 60_000).toISOString(),
    endsAt: null,
    generatorURL: null,
    externalURL: null,
    receiver: "tarka",
    ...options,
  };
}

export function containerOf(overrides: Partial<ContainerState> = {}): ContainerState {
  return {
    name: "app",
    image: "registry.example/app:1.2.3",
    ready: true,
    restartCount: 0,
    state: "running",
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
    ...overrides,
  };
}

export function podOf(overrides: Partial<PodFacts> = {}): PodFacts {
  return {
    namespace: "shop",
    name: "checkout-7d9f8-abcde",
    phase: "Running",
    nodeName: "node-a",
    startTime: "2026-11-22T08:00:00.000Z",
    conditions: [{ type: "Ready", status: "True" }],
    containers: [containerOf()],
    initContainers: [],
    owner: { kind: "ReplicaSet", name: "checkout-7d9f8" },
    labels: { app: "checkout" },
    ...overrides,
  };
}

export function workloadOf(overrides: Partial<WorkloadStatus> = {}): WorkloadStatus {
  return {
    kind: "Deployment",
    namespace: "shop",
    name: "checkout",
    desired: 3,
    ready: 3,
    updated: 3,
    available: 3,
    conditions: [],
    images: ["registry.example/app:1.2.3"],
    revisions: [{ revision: "4", createdAt: "2026-11-01T10:00:00.000Z", images: ["registry.example/app:1.2.3"] }],
    ...overrides,
  };
}

export function nodeOf(overrides: Partial<NodeFacts> = {}): NodeFacts {
  return {
    name: "node-a",
    conditions: [
      { type: "Ready", status: "True" },
      { type: "MemoryPressure", status: "False" },
      { type: "DiskPressure", status: "False" },
    ],
    unschedulable: false,
    allocatable: { cpu: "4", memory: "16Gi" },
    ...overrides,
  };
}

export function eventOf(reason: string, message: string, overrides: Partial<KubeEvent> = {}): KubeEvent {
  return { type: "Warning", reason, message, count: 5, involvedObject: { kind: "Pod", name: "checkout-7d9f8-abcde" }, ...overrides };
}

export function kubeOf(facts: {
  pod?: PodFacts | null;
  events?: KubeEvent[];
  workload?: WorkloadStatus | null;
  node?: NodeFacts | null;
  logs?: string[];
  previousLogs?: string[];
  hpa?: HorizontalPodAutoscalerFacts | null;
  quotas?: ResourceQuotaFacts[];
  pvc?: PersistentVolumeClaimFacts | null;
  pv?: PersistentVolumeFacts | null;
  /** Events by reason across the namespace (quota refusals). */
  namespaceEvents?: KubeEvent[];
}): KubernetesProvider {
  return {
    getPod: async () => facts.pod ?? null,
    listPods: async () => (facts.pod ? [facts.pod] : []),
    listEvents: async () => facts.events ?? [],
    resolveOwnerWorkload: async (namespace) =>
      facts.workload ? { kind: facts.workload.kind, name: facts.workload.name, namespace } : null,
    getWorkload: async () => facts.workload ?? null,
    getPodLogs: async (_ns, _pod, options) => (options.previous ? (facts.previousLogs ?? []) : (facts.logs ?? [])),
    getNode: async () => facts.node ?? null,
    getHorizontalPodAutoscaler: async () => facts.hpa ?? null,
    listResourceQuotas: async () => facts.quotas ?? [],
    getPersistentVolumeClaim: async () => facts.pvc ?? null,
    getPersistentVolume: async () => facts.pv ?? null,
    listEventsByReason: async (_ns, reason) => (facts.namespaceEvents ?? []).filter((e) => e.reason === reason),
    getService: async () => null,
    listEndpoints: async () => [],
    getCronJob: async () => null,
    listWorkloads: async () => [],
    listPodsByIp: async () => [],
  };
}

/** Answers a range query with the first entry whose key occurs in the PromQL text. */
export function metricsOf(answers: Record<string, number[]>): MetricsProvider & { seen: string[] } {
  const seen: string[] = [];
  return {
    kind: "prometheus",
    baseUrl: "http://prometheus.test",
    seen,
    instant: async () => [],
    range: async (query, start, _end, step) => {
      seen.push(query);
      const key = Object.keys(answers).find((k) => query.includes(k));
      if (!key) return [];
      const t0 = Math.floor(start.getTime() / 1000);
      return [{ metric: {}, values: (answers[key] as number[]).map((v, i) => [t0 + i * step, v] as [number, number]) }];
    },
  };
}

export function logsOf(lines: string[]): LogsProvider {
  return {
    fetch: async (_sel, start) =>
      lines.length
        ? {
            status: "ok",
            backend: "loki",
            query: '{namespace="shop"}',
            entries: lines.map((line, i) => ({ timestamp: new Date(start.getTime() + i * 1000).toISOString(), line, labels: {} })),
          }
        : { status: "empty", backend: "loki", query: '{namespace="shop"}', entries: [] },
  };
}

export function alertmanagerOf(similar = 0): AlertmanagerProvider {
  return {
    listAlerts: async () =>
      Array.from({ length: similar }, (_, i) => ({
        fingerprint: `other-${i}`,
        labels: {},
        annotations: {},
        startsAt: NOW.toISOString(),
        endsAt: NOW.toISOString(),
        status: { state: "active", silencedBy: [], inhibitedBy: [] },
      })),
    listSilences: async () => [],
  };
}

const boom = async (): Promise<never> => {
  throw new Error("connect ECONNREFUSED 127.0.0.1:1");
};

export const failing = {
  metrics: { kind: "prometheus", baseUrl: "http://127.0.0.1:1", instant: boom, range: boom } satisfies MetricsProvider,
  kubernetes: {
    getPod: boom,
    listPods: boom,
    listEvents: boom,
    resolveOwnerWorkload: boom,
    getWorkload: boom,
    getPodLogs: boom,
    getNode: boom,
    getHorizontalPodAutoscaler: boom,
    listResourceQuotas: boom,
    getPersistentVolumeClaim: boom,
    getPersistentVolume: boom,
    listEventsByReason: boom,
    getService: boom,
    listEndpoints: boom,
    getCronJob: boom,
    listWorkloads: boom,
    listPodsByIp: boom,
  } satisfies KubernetesProvider,
  logs: { fetch: boom } satisfies LogsProvider,
};

/** Runs the engine and checks the result against the published schema. */
export async function investigate(
  alert: NormalizedAlert,
  providers: Partial<Providers> = {},
  options: { family?: Family; timeWindow?: string } = {},
): Promise<Report> {
  const family = options.family ?? familyOf(alert.alertname, alert.labels);
  const report = await investigateAlert({
    ctx: { providers: { timeoutMs: 1000, ...providers }, log: silentLog, now: fixedNow },
    input: { alert, family, identity: identityOf(alert, family), timeWindow: options.timeWindow ?? "1h" },
  });
  return reportSchema.parse(report);
}
