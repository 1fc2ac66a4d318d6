import type { WorkloadRef } from "@/lib/alerts/identity";

/**
 * Contracts between the evidence providers (one module per outside system) and the investigation
 * pipeline. Providers are read-only. Each method throws on failure (the pipeline records the failure
 * in `queries[]` and carries on); "nothing found" is an empty result or null, never an exception.
 */

export type ProviderName = "prometheus" | "kubernetes" | "logs" | "alertmanager";

/** One outside call, as recorded in the report's `queries[]`. */
export type QueryRecord = {
  provider: ProviderName;
  /** PromQL, LogQL/LogsQL, or a Kubernetes verb and path such as `GET pods/prod/api-7d9`. */
  query: string;
  startedAt: string;
  durationMs: number;
  outcome: "ok" | "empty" | "error" | "timeout";
  error?: string;
  /** Link that opens this query in its own UI (Prometheus graph page), when there is one. */
  link?: string;
};

export type InstantSample = { metric: Record<string, string>; value: number };
/** values are [unix seconds, value] pairs, as the Prometheus HTTP API returns them. */
export type RangeSeries = { metric: Record<string, string>; values: Array<[number, number]> };

export type MetricsProvider = {
  readonly kind: "prometheus" | "victoriametrics";
  readonly baseUrl: string;
  instant(query: string, at?: Date): Promise<InstantSample[]>;
  range(query: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]>;
};

export type ContainerState = {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  state: "running" | "waiting" | "terminated" | "unknown";
  waitingReason?: string;
  waitingMessage?: string;
  lastTerminatedReason?: string;
  lastTerminatedExitCode?: number;
  lastTerminatedAt?: string;
  requests: { cpu?: string; memory?: string };
  limits: { cpu?: string; memory?: string };
};

export type PodFacts = {
  namespace: string;
  name: string;
  phase: string;
  nodeName?: string;
  reason?: string;
  deletionTimestamp?: string;
  startTime?: string;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
  containers: ContainerState[];
  initContainers: ContainerState[];
  owner: { kind: string; name: string } | null;
  labels: Record<string, string>;
};

export type KubeEvent = {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp?: string;
  involvedObject: { kind: string; name: string };
};

export type WorkloadStatus = {
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicaSet";
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  generation?: number;
  observedGeneration?: number;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
  images: string[];
  /** Rollout history: when each ReplicaSet/revision was created and with which images (Deployments). */
  revisions: Array<{ revision: string; createdAt: string; images: string[]; replicaSet?: string }>;
  /** Jobs only; `owner` is the CronJob that created the Job, when one did. */
  job?: { succeeded: number; failed: number; active: number; completionTime?: string; startTime?: string; owner?: { kind: string; name: string } };
};

/** A Service: what it selects and where it listens. */
export type ServiceFacts = { namespace: string; name: string; selector: Record<string, string>; clusterIP?: string; ports: number[] };

/** One endpoint of a Service, from its EndpointSlices. */
export type EndpointFacts = { addresses: string[]; ready: boolean; pod?: string; node?: string };

/** A CronJob and the Jobs it created that still exist (newest first), with the images each ran. */
export type CronJobFacts = {
  namespace: string;
  name: string;
  schedule: string;
  suspend: boolean;
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
  images: string[];
  jobs: Array<{ name: string; startTime?: string; succeeded: number; failed: number; images: string[] }>;
};

/** A Deployment or StatefulSet of a namespace, as listed (no status). */
export type WorkloadSummary = { kind: "Deployment" | "StatefulSet"; name: string; labels: Record<string, string> };

export type NodeFacts = {
  name: string;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
  unschedulable: boolean;
  allocatable: Record<string, string>;
};

export type HorizontalPodAutoscalerFacts = {
  namespace: string;
  name: string;
  scaleTarget: { kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** What it scales on: each metric's name with its current and target value as the API states them (`85%`, `120`, `500m`). */
  metrics: Array<{ name: string; current: string | null; target: string | null }>;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
};

export type ResourceQuotaFacts = { namespace: string; name: string; hard: Record<string, string>; used: Record<string, string> };

export type PersistentVolumeClaimFacts = {
  namespace: string;
  name: string;
  phase: string;
  volumeName?: string;
  storageClass?: string;
  requested?: string;
  capacity?: string;
};

export type PersistentVolumeFacts = {
  name: string;
  phase: string;
  reason?: string;
  message?: string;
  storageClass?: string;
  claim?: { namespace: string; name: string };
};

export type KubernetesProvider = {
  getPod(namespace: string, name: string): Promise<PodFacts | null>;
  listPods(namespace: string, labelSelector: string): Promise<PodFacts[]>;
  listEvents(namespace: string, involvedName: string): Promise<KubeEvent[]>;
  /** Pod → ReplicaSet → Deployment (or StatefulSet, DaemonSet, Job) via ownerReferences. */
  resolveOwnerWorkload(namespace: string, podName: string): Promise<WorkloadRef | null>;
  getWorkload(namespace: string, kind: WorkloadStatus["kind"], name: string): Promise<WorkloadStatus | null>;
  getPodLogs(
    namespace: string,
    pod: string,
    options: { container?: string; previous?: boolean; tailLines?: number },
  ): Promise<string[]>;
  getNode(name: string): Promise<NodeFacts | null>;
  getHorizontalPodAutoscaler(namespace: string, name: string): Promise<HorizontalPodAutoscalerFacts | null>;
  listResourceQuotas(namespace: string): Promise<ResourceQuotaFacts[]>;
  getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaimFacts | null>;
  getPersistentVolume(name: string): Promise<PersistentVolumeFacts | null>;
  /** Events of one reason in a namespace, whatever object they are about (quota refusals land on ReplicaSets). */
  listEventsByReason(namespace: string, reason: string): Promise<KubeEvent[]>;
  getService(namespace: string, name: string): Promise<ServiceFacts | null>;
  /** The Service's endpoints from its EndpointSlices (`kubernetes.io/service-name` label). */
  listEndpoints(namespace: string, service: string): Promise<EndpointFacts[]>;
  getCronJob(namespace: string, name: string): Promise<CronJobFacts | null>;
  listWorkloads(namespace: string): Promise<WorkloadSummary[]>;
  /** Pods, in any namespace, whose pod IP is `ip` (an address seen in a log line or an `instance` label). */
  listPodsByIp(ip: string): Promise<PodFacts[]>;
};

export type LogEntry = { timestamp: string; line: string; labels: Record<string, string> };

export type LogSelector = { namespace?: string; pod?: string; container?: string; service?: string; job?: string };

export type LogsResult =
  | { status: "ok"; backend: "loki" | "victorialogs"; query: string; entries: LogEntry[] }
  | { status: "empty"; backend: "loki" | "victorialogs"; query: string; entries: [] }
  | { status: "unavailable"; backend: "loki" | "victorialogs" | null; query: string | null; reason: string; entries: [] };

export type LogsProvider = {
  /** Tries the label conventions in turn (namespace/pod/container, k8s_*, pod_name) until one matches. */
  fetch(selector: LogSelector, start: Date, end: Date, limit: number): Promise<LogsResult>;
};

export type AlertmanagerAlertView = {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
};

export type AlertmanagerProvider = {
  listAlerts(options?: { active?: boolean; silenced?: boolean; inhibited?: boolean; filter?: string[] }): Promise<AlertmanagerAlertView[]>;
  listSilences(): Promise<Array<{ id: string; status: string; matchers: unknown[]; endsAt: string; comment: string }>>;
};

/** Whatever is configured. A missing provider is reported as a blocker, not an error. */
export type Providers = {
  metrics?: MetricsProvider;
  kubernetes?: KubernetesProvider;
  logs?: LogsProvider;
  alertmanager?: AlertmanagerProvider;
  /** Each wrapped provider call is reported here (timing, outcome) for queries[] and metrics. */
  timeoutMs: number;
};
