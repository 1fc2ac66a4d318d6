import { z } from "zod";
import { families } from "@/lib/alerts/family";
import { normalizedAlertSchema } from "@/lib/alerts/schema";
import {
  blockers,
  classifications,
  decisionLabels,
  hypothesisCategories,
  isEnrichmentLabel,
  k8sStatuses,
  logsStatuses,
  metricsStatuses,
  reasonCodeNames,
  scoreDimensions,
  stepKinds,
  targetTypes,
} from "./vocabulary";

/** Bump on a breaking change of the JSON shape (renamed or removed field, changed meaning). */
export const REPORT_SCHEMA_VERSION = 1;

const labels = z.record(z.string(), z.string());
const condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const stepSchema = z.object({ kind: z.enum(stepKinds), text: z.string().min(1) });

export const targetSchema = z.object({
  type: z.enum(targetTypes),
  name: z.string().nullable(),
  namespace: z.string().nullable(),
  cluster: z.string().nullable(),
  pod: z.string().nullable(),
  container: z.string().nullable(),
  workload: z.object({ kind: z.string(), name: z.string() }).nullable(),
  service: z.string().nullable(),
  node: z.string().nullable(),
  job: z.string().nullable(),
  instance: z.string().nullable(),
});

const containerStateSchema = z.object({
  name: z.string(),
  image: z.string(),
  ready: z.boolean(),
  restartCount: z.number(),
  state: z.enum(["running", "waiting", "terminated", "unknown"]),
  waitingReason: z.string().optional(),
  waitingMessage: z.string().optional(),
  lastTerminatedReason: z.string().optional(),
  lastTerminatedExitCode: z.number().optional(),
  lastTerminatedAt: z.string().optional(),
  requests: z.object({ cpu: z.string().optional(), memory: z.string().optional() }),
  limits: z.object({ cpu: z.string().optional(), memory: z.string().optional() }),
});

const podSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  phase: z.string(),
  nodeName: z.string().optional(),
  reason: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  startTime: z.string().optional(),
  conditions: z.array(condition),
  containers: z.array(containerStateSchema),
  initContainers: z.array(containerStateSchema),
  owner: z.object({ kind: z.string(), name: z.string() }).nullable(),
  labels,
});

const eventSchema = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  count: z.number(),
  lastTimestamp: z.string().optional(),
  involvedObject: z.object({ kind: z.string(), name: z.string() }),
});

/** One Deployment revision; `replicaSet` names the ReplicaSet whose pods run it (`<replicaSet>-<id>`). */
const revisionSchema = z.object({ revision: z.string(), createdAt: z.string(), images: z.array(z.string()), replicaSet: z.string().optional() });

const workloadSchema = z.object({
  kind: z.enum(["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"]),
  namespace: z.string(),
  name: z.string(),
  desired: z.number(),
  ready: z.number(),
  updated: z.number(),
  available: z.number(),
  generation: z.number().optional(),
  observedGeneration: z.number().optional(),
  conditions: z.array(condition),
  images: z.array(z.string()),
  revisions: z.array(revisionSchema),
  job: z
    .object({
      succeeded: z.number(),
      failed: z.number(),
      active: z.number(),
      completionTime: z.string().optional(),
      startTime: z.string().optional(),
      owner: z.object({ kind: z.string(), name: z.string() }).optional(),
    })
    .optional(),
});

const nodeSchema = z.object({
  name: z.string(),
  conditions: z.array(condition),
  unschedulable: z.boolean(),
  allocatable: z.record(z.string(), z.string()),
});

const hpaSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  scaleTarget: z.object({ kind: z.string(), name: z.string() }),
  minReplicas: z.number(),
  maxReplicas: z.number(),
  currentReplicas: z.number(),
  desiredReplicas: z.number(),
  metrics: z.array(z.object({ name: z.string(), current: z.string().nullable(), target: z.string().nullable() })),
  conditions: z.array(condition),
});

const quotaSchema = z.object({ namespace: z.string(), name: z.string(), hard: z.record(z.string(), z.string()), used: z.record(z.string(), z.string()) });

const pvcSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  phase: z.string(),
  volumeName: z.string().optional(),
  storageClass: z.string().optional(),
  requested: z.string().optional(),
  capacity: z.string().optional(),
});

const pvSchema = z.object({
  name: z.string(),
  phase: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  storageClass: z.string().optional(),
  claim: z.object({ namespace: z.string(), name: z.string() }).optional(),
});

const cronJobSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  schedule: z.string(),
  suspend: z.boolean(),
  lastScheduleTime: z.string().optional(),
  lastSuccessfulTime: z.string().optional(),
  images: z.array(z.string()),
  jobs: z.array(z.object({ name: z.string(), startTime: z.string().optional(), succeeded: z.number(), failed: z.number(), images: z.array(z.string()) })),
});

/** Objects a family reads besides pod/workload/node (capacity: HPA and quotas; volume_filling: PVC and PV; job_failed: the Job's CronJob). */
export const k8sObjectsSchema = z.object({
  hpa: hpaSchema.optional(),
  quotas: z.array(quotaSchema).optional(),
  pvc: pvcSchema.optional(),
  pv: pvSchema.optional(),
  cronJob: cronJobSchema.optional(),
});

/**
 * How the workload behind the alert was found when its labels name a Service, an exporter, a queue
 * or nothing runnable (docs/architecture.md, "Finding the workload"). `via` is the chain that was
 * followed, in order; `reason` says why it stopped when unresolved.
 */
export const resolutionSchema = z.object({
  status: z.enum(["resolved", "unresolved"]),
  strategy: z.enum(["service", "exporter", "queue", "hpa"]),
  /** What the labels named: `Service shop/checkout`, `exporter address orders-db.orders.svc:5432`, `queue orders`. */
  from: z.string(),
  via: z.array(z.string()),
  workload: z.object({ kind: z.string(), name: z.string() }).nullable(),
  pods: z.array(z.string()),
  reason: z.string().optional(),
});

/** A dependency named in a log line (host:port), resolved to its Service or pod and checked. */
export const dependencySchema = z.object({
  address: z.string(),
  namespace: z.string().nullable(),
  service: z.string().nullable(),
  pod: z.string().nullable(),
  readyEndpoints: z.number().int().nonnegative().nullable(),
  notReadyEndpoints: z.number().int().nonnegative().nullable(),
  /** Its own 5xx share (http_requests_total) at the end of the window, when it exports one. */
  errorRatio: z.number().nullable(),
  /** Its own p95 request latency in seconds (http_request_duration_seconds) over the window, when it exports one. */
  latencyP95: z.object({ first: z.number(), last: z.number(), max: z.number() }).nullable(),
  healthy: z.boolean().nullable(),
  summary: z.string(),
});

export const k8sEvidenceSchema = z.object({
  status: z.enum(k8sStatuses),
  reason: z.string().optional(),
  pod: podSchema.nullable(),
  events: z.array(eventSchema),
  workload: workloadSchema.nullable(),
  node: nodeSchema.nullable(),
  /** Pods of the same workload (name, phase, ready, restarts), when the target is a workload. */
  siblings: z.array(
    z.object({
      name: z.string(),
      phase: z.string(),
      ready: z.boolean(),
      restarts: z.number(),
      /** The container's last exit code and termination reason, when it terminated (Job pods). */
      exitCode: z.number().optional(),
      reason: z.string().optional(),
    }),
  ),
  objects: k8sObjectsSchema.optional(),
  resolution: resolutionSchema.optional(),
  dependencies: z.array(dependencySchema).optional(),
});

export const seriesStatsSchema = z.object({
  first: z.number(),
  last: z.number(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
});

export const metricSeriesSchema = z.object({
  id: z.string(),
  title: z.string(),
  unit: z.string(),
  query: z.string(),
  labels,
  points: z.array(z.tuple([z.number(), z.number()])),
  threshold: z.number().optional(),
  stats: seriesStatsSchema.nullable(),
});

export const metricsEvidenceSchema = z.object({
  status: z.enum(metricsStatuses),
  backend: z.enum(["prometheus", "victoriametrics"]).nullable(),
  reason: z.string().optional(),
  stepSeconds: z.number().int().positive(),
  series: z.array(metricSeriesSchema),
});

export const logEntrySchema = z.object({ timestamp: z.string(), line: z.string(), labels });

export const logMatchSchema = z.object({
  patternId: z.string(),
  category: z.enum(hypothesisCategories),
  title: z.string(),
  count: z.number().int().positive(),
  sample: z.string(),
  detail: z.string().nullable(),
  /** The pods the matching lines came from, when the lines carry a pod (several pods read behind a Service). */
  pods: z.array(z.string()).optional(),
});

export const logsEvidenceSchema = z.object({
  status: z.enum(logsStatuses),
  backend: z.enum(["loki", "victorialogs", "kubernetes"]).nullable(),
  query: z.string().nullable(),
  reason: z.string().nullable(),
  entries: z.array(logEntrySchema),
  matches: z.array(logMatchSchema),
});

export const alertmanagerEvidenceSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  reason: z.string().optional(),
  /** Other active alerts with the same alertname (blast radius). */
  similarActive: z.number().int().nonnegative().nullable(),
  silenced: z.boolean().nullable(),
  inhibited: z.boolean().nullable(),
});

const findingSchema = z.object({
  label: z.string().min(1),
  why: z.array(z.string()),
  next: z.array(z.string()),
  /** The same next steps, typed, so renderers can put commands in code blocks. */
  steps: z.array(stepSchema),
});

export const hypothesisSchema = z.object({
  id: z.string().min(1),
  category: z.enum(hypothesisCategories),
  title: z.string().min(1),
  confidence: z.number().int().min(0).max(100),
  why: z.array(z.string()),
  counter: z.array(z.string()),
  nextTests: z.array(z.string()),
});

export const reasonCodeEntrySchema = z.object({
  code: z.enum(reasonCodeNames),
  dimension: z.enum(scoreDimensions),
  delta: z.number().int(),
  why: z.string(),
});

export const changesSchema = z.object({
  status: z.enum(["ok", "unavailable", "not_applicable"]),
  rolloutInWindow: z.boolean(),
  /** Minutes between the newest revision and the alert's start; negative when the rollout came after. */
  minutesBeforeAlert: z.number().nullable(),
  revisions: z.array(revisionSchema),
  summary: z.string(),
});

export const noiseSchema = z.object({
  flapping: z.boolean().nullable(),
  /** Times the alert started firing again inside the window (from the ALERTS series). */
  flaps: z.number().int().nonnegative().nullable(),
  firingMinutes: z.number().nonnegative(),
  similarActive: z.number().int().nonnegative().nullable(),
  silencedOrInhibited: z.boolean().nullable(),
  notes: z.array(z.string()),
});

/** A past case like this one, and how it ended (case memory). */
export const seenBeforeSchema = z.object({
  caseId: z.string(),
  title: z.string(),
  family: z.string(),
  alertname: z.string(),
  status: z.string(),
  lastSeenAt: z.string(),
  /** same_target: same family and workload/service/alertname; same_family; similar_text: one-liner and hypotheses alike. */
  match: z.enum(["same_target", "same_family", "similar_text"]),
  similarity: z.number().min(0).max(1),
  topHypothesis: z.object({ category: z.string(), title: z.string() }).nullable(),
  resolution: z.object({ category: z.string(), summary: z.string(), by: z.string() }).nullable(),
  feedback: z.object({ verdict: z.enum(["correct", "wrong"]), cause: z.string().nullable() }).nullable(),
  /** What the case turned out to be, when feedback or the resolution says so. */
  confirmedCategory: z.string().nullable(),
  rejectedCategory: z.string().nullable(),
});

/** A confidence change made because of similar past cases; the same reason is added to the hypothesis's why. */
export const memoryAdjustmentSchema = z.object({
  hypothesisId: z.string(),
  category: z.string(),
  delta: z.number().int(),
  reason: z.string(),
});

export const memorySchema = z.object({
  similar: z.array(seenBeforeSchema),
  adjustments: z.array(memoryAdjustmentSchema),
});
/**
 * The model's reading of the evidence (LLM_ENABLED only): a narrative and ranked next steps, written
 * from the report alone; the deterministic analysis stays the source of family, labels and verdict.
 * `failed` / `skipped` say why the section has no text; the report is never held back for it.
 */
export const llmEnrichmentSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    model: z.string(),
    narrative: z.string(),
    nextSteps: z.array(z.object({ step: z.string(), why: z.string() })),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
    durationMs: z.number().nonnegative(),
  }),
  z.object({ status: z.literal("failed"), model: z.string(), reason: z.string(), durationMs: z.number().nonnegative() }),
]);

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  alert: normalizedAlertSchema,
  target: targetSchema,
  family: z.enum(families),
  identity: z.object({ kind: z.string(), key: z.string(), slug: z.string() }),
  timeWindow: z.object({ start: z.string(), end: z.string(), duration: z.string() }),
  evidence: z.object({
    k8s: k8sEvidenceSchema,
    metrics: metricsEvidenceSchema,
    logs: logsEvidenceSchema,
    alertmanager: alertmanagerEvidenceSchema,
  }),
  analysis: z.object({
    decision: findingSchema.extend({ label: z.enum(decisionLabels) }),
    blockers: z.array(z.enum(blockers)),
    enrichment: findingSchema.refine((f) => isEnrichmentLabel(f.label), {
      message: "not an enrichment label from the closed vocabulary",
      path: ["label"],
    }),
    hypotheses: z.array(hypothesisSchema),
    scores: z.object({
      impact: z.number().int().min(0).max(100),
      confidence: z.number().int().min(0).max(100),
      noise: z.number().int().min(0).max(100),
      reasonCodes: z.array(reasonCodeEntrySchema),
    }),
    verdict: z.object({
      classification: z.enum(classifications),
      primaryDriver: z.string(),
      oneLiner: z.string(),
    }),
    changes: changesSchema,
    noise: noiseSchema,
    /** Added by the worker from past cases; absent when no lookup was made (CLI, replays). */
    memory: memorySchema.optional(),
    llm: llmEnrichmentSchema.optional(),
  }),
  queries: z.array(
    z.object({
      provider: z.enum(["prometheus", "kubernetes", "logs", "alertmanager"]),
      query: z.string(),
      startedAt: z.string(),
      durationMs: z.number().nonnegative(),
      outcome: z.enum(["ok", "empty", "error", "timeout", "not_run"]),
      error: z.string().optional(),
      reason: z.string().optional(),
      link: z.string().optional(),
    }),
  ),
  generatedAt: z.string(),
  durationMs: z.number().nonnegative(),
});

export type Report = z.infer<typeof reportSchema>;
export type Target = z.infer<typeof targetSchema>;
export type Step = z.infer<typeof stepSchema>;
export type Hypothesis = z.infer<typeof hypothesisSchema>;
export type LogMatch = z.infer<typeof logMatchSchema>;
export type MetricSeries = z.infer<typeof metricSeriesSchema>;
export type SeriesStats = z.infer<typeof seriesStatsSchema>;
export type K8sEvidence = z.infer<typeof k8sEvidenceSchema>;
export type K8sObjects = z.infer<typeof k8sObjectsSchema>;
export type Resolution = z.infer<typeof resolutionSchema>;
export type Dependency = z.infer<typeof dependencySchema>;
export type MetricsEvidence = z.infer<typeof metricsEvidenceSchema>;
export type LogsEvidence = z.infer<typeof logsEvidenceSchema>;
export type AlertmanagerEvidence = z.infer<typeof alertmanagerEvidenceSchema>;
export type ReasonCodeEntry = z.infer<typeof reasonCodeEntrySchema>;
export type Changes = z.infer<typeof changesSchema>;
export type Noise = z.infer<typeof noiseSchema>;
export type LlmEnrichment = z.infer<typeof llmEnrichmentSchema>;
export type Finding = z.infer<typeof findingSchema>;
export type SeenBefore = z.infer<typeof seenBeforeSchema>;
export type MemoryAdjustment = z.infer<typeof memoryAdjustmentSchema>;
export type CaseMemory = z.infer<typeof memorySchema>;
