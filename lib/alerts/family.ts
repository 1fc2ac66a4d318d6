/**
 * The family registry: which alertnames belong to which investigation family. Exact names win over
 * patterns; patterns are tried in the order listed, so the more specific ones come first.
 * The set of families is a contract (docs/report-schema.md).
 */
export const families = [
  "crashloop",
  "pod_not_healthy",
  "oom_killed",
  "memory_pressure",
  "cpu_throttling",
  "http_5xx",
  "latency",
  "target_down",
  "k8s_rollout_health",
  "job_failed",
  "node_health",
  "volume_filling",
  "cert_expiry",
  "queue_backlog",
  "cache_churn",
  "replication_lag",
  "observability_pipeline",
  "meta",
  "generic",
] as const;

export type Family = (typeof families)[number];

type FamilyRule = { family: Family; names: string[]; patterns: RegExp[] };

export const familyRegistry: FamilyRule[] = [
  { family: "meta", names: ["Watchdog", "InfoInhibitor", "DeadMansSwitch"], patterns: [] },
  {
    family: "observability_pipeline",
    names: [
      "AlertingRulesError",
      "RecordingRulesNoData",
      "RowsRejectedOnIngestion",
      "TooManyLogs",
      "PrometheusHighCardinality",
      "PrometheusQueryOverload",
      "OrphanedSpansHigh",
      "PrometheusRuleFailures",
      "PrometheusNotIngestingSamples",
    ],
    patterns: [/RuleFailures?$/i, /Cardinality/i, /OrphanedSpans/i, /TraceContext/i, /Ingestion/i],
  },
  {
    family: "oom_killed",
    names: ["KubernetesContainerOomKiller", "KubeContainerOOMKilled", "ContainerOOMKilled"],
    patterns: [/OOM/i],
  },
  {
    family: "crashloop",
    names: ["KubePodCrashLooping", "KubernetesPodCrashLooping"],
    patterns: [/CrashLoop/i],
  },
  {
    family: "pod_not_healthy",
    names: [
      "KubernetesPodNotHealthy",
      "KubernetesPodNotHealthyCritical",
      "KubePodNotReady",
      "PodNotReady",
      "KubeContainerWaiting",
    ],
    patterns: [/Pod.*Not(Healthy|Ready)/i, /ContainerWaiting/i, /ImagePull/i],
  },
  {
    family: "job_failed",
    names: ["KubeJobFailed", "JobFailed", "KubeJobNotCompleted", "KubernetesJobFailed"],
    patterns: [/Job(Failed|NotCompleted)/i],
  },
  {
    family: "k8s_rollout_health",
    names: [
      "KubeDeploymentReplicasMismatch",
      "KubeDeploymentRolloutStuck",
      "KubeStatefulSetReplicasMismatch",
      "KubeDaemonSetRolloutStuck",
      "KubeDeploymentGenerationMismatch",
      "KubeStatefulSetUpdateNotRolledOut",
    ],
    patterns: [/ReplicasMismatch/i, /RolloutStuck/i, /NotRolledOut/i],
  },
  {
    family: "node_health",
    names: ["KubeNodeNotReady", "KubeNodeUnreachable", "NodeMemoryPressure", "NodeDiskPressure", "NodePIDPressure"],
    patterns: [/^KubeNode/i, /^Node.*(Pressure|NotReady|Unreachable)/i],
  },
  {
    family: "volume_filling",
    names: ["KubePersistentVolumeFillingUp", "NodeFilesystemSpaceFillingUp", "NodeFilesystemAlmostOutOfSpace"],
    patterns: [/FillingUp/i, /OutOfSpace/i, /DiskSpace/i],
  },
  {
    family: "cert_expiry",
    names: ["CertificateExpiringIn7Days", "X509CertificateExpiring"],
    patterns: [/Cert.*Expir/i, /X509/i],
  },
  {
    family: "memory_pressure",
    names: ["MemoryPressure", "ContainerMemoryNearLimit", "PodMemoryUsageHigh"],
    patterns: [/Memory(Usage)?(High|NearLimit|Pressure)/i],
  },
  {
    family: "cpu_throttling",
    names: ["CPUThrottlingHigh", "KubePodCPUThrottling", "ContainerCpuThrottled"],
    patterns: [/Throttl/i],
  },
  {
    family: "replication_lag",
    names: ["PostgresReplicationLagHigh"],
    patterns: [/ReplicationLag/i, /ReplicaLag/i],
  },
  {
    family: "queue_backlog",
    names: ["QueueBacklog"],
    patterns: [/WorkerStarvation/i, /QueueDepthHigh/i, /Backlog/i, /ConsumerLag/i],
  },
  {
    family: "cache_churn",
    names: ["RedisCacheChurnHigh", "CacheHitRateLow"],
    patterns: [/CacheChurn/i, /CacheHit(Rate|Ratio)Low/i, /Evictions?High/i],
  },
  {
    family: "http_5xx",
    names: ["Http5xxRateHigh", "HighErrorRate", "ServiceErrorRate"],
    patterns: [/5xx/i, /ErrorRate/i, /ErrorRatio/i, /ErrorBudget/i],
  },
  {
    family: "latency",
    names: ["APILatencyHigh", "HighLatency"],
    patterns: [/LatencyHigh/i, /HighLatency/i, /P9[59]/i, /SlowRequests/i],
  },
  {
    family: "target_down",
    names: ["TargetDown", "ServiceDown", "EndpointDown", "InstanceDown"],
    patterns: [/(Target|Service|Endpoint|Instance)Down$/i],
  },
];

const exact = new Map<string, Family>();
for (const rule of familyRegistry) for (const name of rule.names) exact.set(name, rule.family);

/** The family an alert belongs to, from its alertname (and `family` label when an operator sets one). */
export function familyOf(alertname: string, labels: Record<string, string> = {}): Family {
  const forced = labels.tarka_family;
  if (forced && (families as readonly string[]).includes(forced)) return forced as Family;
  const hit = exact.get(alertname);
  if (hit) return hit;
  for (const rule of familyRegistry) {
    if (rule.patterns.some((p) => p.test(alertname))) return rule.family;
  }
  return "generic";
}
