/**
 * The family registry: which alertnames belong to which investigation family. An alertname listed
 * under a family is that family, full stop. Names nobody listed are matched against each family's
 * patterns; patterns are case-sensitive on CamelCase words (so `OOM` never matches "TooManyPods"),
 * and when several families' patterns match, the longest matched text wins — the order of this file
 * never decides. The set of families is a contract (docs/report-schema.md); docs/alerts.md lists
 * where every kube-prometheus rule lands.
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
  "control_plane",
  "capacity",
  "meta",
  "generic",
] as const;

export type Family = (typeof families)[number];

type FamilyRule = { family: Exclude<Family, "generic">; names: string[]; patterns: RegExp[] };

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
      // kube-prometheus: alertmanager.rules
      "AlertmanagerFailedReload",
      "AlertmanagerMembersInconsistent",
      "AlertmanagerFailedToSendAlerts",
      "AlertmanagerClusterFailedToSendAlerts",
      "AlertmanagerConfigInconsistent",
      "AlertmanagerClusterDown",
      "AlertmanagerClusterCrashlooping",
      "AlertmanagerClusterFailedPeers",
      // prometheus
      "PrometheusBadConfig",
      "PrometheusSDRefreshFailure",
      "PrometheusKubernetesListWatchFailures",
      "PrometheusNotificationQueueRunningFull",
      "PrometheusErrorSendingAlertsToSomeAlertmanagers",
      "PrometheusErrorSendingAlertsToAnyAlertmanager",
      "PrometheusNotConnectedToAlertmanagers",
      "PrometheusTSDBReloadsFailing",
      "PrometheusTSDBCompactionsFailing",
      "PrometheusNotIngestingSamples",
      "PrometheusDuplicateTimestamps",
      "PrometheusOutOfOrderTimestamps",
      "PrometheusRemoteStorageFailures",
      "PrometheusRemoteWriteBehind",
      "PrometheusRemoteWriteDesiredShards",
      "PrometheusRuleFailures",
      "PrometheusMissingRuleEvaluations",
      "PrometheusTargetLimitHit",
      "PrometheusLabelLimitHit",
      "PrometheusScrapeBodySizeLimitHit",
      "PrometheusScrapeSampleLimitHit",
      "PrometheusTargetSyncFailure",
      "PrometheusHighQueryLoad",
      // prometheus-operator, config-reloaders
      "PrometheusOperatorListErrors",
      "PrometheusOperatorWatchErrors",
      "PrometheusOperatorSyncFailed",
      "PrometheusOperatorReconcileErrors",
      "PrometheusOperatorStatusUpdateErrors",
      "PrometheusOperatorNodeLookupErrors",
      "PrometheusOperatorNotReady",
      "PrometheusOperatorRejectedResources",
      "ConfigReloaderSidecarErrors",
      // kube-state-metrics, grafana, node-exporter's own collector
      "KubeStateMetricsListErrors",
      "KubeStateMetricsWatchErrors",
      "KubeStateMetricsShardingMismatch",
      "KubeStateMetricsShardsMissing",
      "GrafanaRequestsFailing",
      "NodeTextFileCollectorScrapeError",
    ],
    patterns: [/RuleFailures?$/, /Cardinality/, /OrphanedSpans/, /TraceContext/, /Ingestion/, /^Prometheus[A-Z]/, /^Alertmanager[A-Z]/, /^Vm(alert|agent|insert|select|storage)/i, /^Loki[A-Z]/],
  },
  {
    family: "control_plane",
    names: [
      "KubeAPIDown",
      "KubeAPIErrorBudgetBurn",
      "KubeAPITerminatedRequests",
      "KubeAPIInstanceUnreachable",
      "KubeAggregatedAPIDown",
      "KubeAggregatedAPIErrors",
      "KubeClientErrors",
      "KubeletDown",
      "KubeletInstanceUnreachable",
      "KubeletPlegDurationHigh",
      "KubeletPodStartUpLatencyHigh",
      "KubeletTooManyPods",
      "KubeSchedulerDown",
      "KubeSchedulerInstanceUnreachable",
      "KubeControllerManagerDown",
      "KubeControllerManagerInstanceUnreachable",
      "KubeProxyDown",
      "KubeVersionMismatch",
    ],
    patterns: [/^etcd[A-Z]/, /^KubeAPI[A-Z]/, /^Kube(Scheduler|ControllerManager|Proxy|let)[A-Z]/, /^CoreDNS[A-Z]/],
  },
  {
    family: "capacity",
    names: [
      "KubeCPUOvercommit",
      "KubeMemoryOvercommit",
      "KubeCPUQuotaOvercommit",
      "KubeMemoryQuotaOvercommit",
      "KubeQuotaAlmostFull",
      "KubeQuotaFullyUsed",
      "KubeQuotaExceeded",
      "KubeHpaMaxedOut",
      "KubeHpaReplicasMismatch",
    ],
    patterns: [/Overcommit/, /Quota(AlmostFull|FullyUsed|Exceeded)/, /^KubeHpa/, /HPA(MaxedOut|AtMax)/i],
  },
  {
    family: "oom_killed",
    names: ["KubernetesContainerOomKiller", "KubeContainerOOMKilled", "ContainerOOMKilled"],
    patterns: [/OOM|Oom(Kill|ed)|OutOfMemory/],
  },
  {
    family: "crashloop",
    names: ["KubePodCrashLooping", "KubernetesPodCrashLooping"],
    patterns: [/Pod.*CrashLoop/i, /Container.*CrashLoop/i],
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
    patterns: [/Pod.*Not(Healthy|Ready)/, /ContainerWaiting/, /ImagePull/],
  },
  {
    family: "job_failed",
    names: ["KubeJobFailed", "JobFailed", "KubeJobNotCompleted", "KubeJobCompletion", "KubernetesJobFailed"],
    patterns: [/Job(Failed|NotCompleted)/, /CronJob.*(Failed|Missed|Suspended)/],
  },
  {
    family: "k8s_rollout_health",
    names: [
      "KubeDeploymentReplicasMismatch",
      "KubeDeploymentRolloutStuck",
      "KubeDeploymentGenerationMismatch",
      "KubeStatefulSetReplicasMismatch",
      "KubeStatefulSetGenerationMismatch",
      "KubeStatefulSetUpdateNotRolledOut",
      "KubeDaemonSetRolloutStuck",
      "KubeDaemonSetNotScheduled",
      "KubeDaemonSetMisScheduled",
      "KubePdbNotEnoughHealthyPods",
    ],
    patterns: [/(Deployment|StatefulSet|DaemonSet).*(ReplicasMismatch|GenerationMismatch|RolloutStuck|NotRolledOut|NotScheduled|MisScheduled)/, /ReplicasMismatch$/, /RolloutStuck$/, /^KubePdb/],
  },
  {
    family: "node_health",
    names: [
      "KubeNodeNotReady",
      "KubeNodeUnreachable",
      "KubeNodePressure",
      "KubeNodeEviction",
      "KubeNodeReadinessFlapping",
      "NodeMemoryPressure",
      "NodeDiskPressure",
      "NodePIDPressure",
      "NodeClockSkewDetected",
      "NodeClockNotSynchronising",
      "NodeNetworkReceiveErrs",
      "NodeNetworkTransmitErrs",
      "NodeNetworkInterfaceFlapping",
      "NodeHighNumberConntrackEntriesUsed",
      "NodeFileDescriptorLimit",
      "NodeCPUHighUsage",
      "NodeSystemSaturation",
      "NodeMemoryHighUtilization",
      "NodeMemoryMajorPagesFaults",
      "NodeDiskIOSaturation",
      "NodeRAIDDegraded",
      "NodeRAIDDiskFailure",
      "NodeBondingDegraded",
      "NodeSystemdServiceFailed",
      "NodeSystemdServiceCrashlooping",
    ],
    patterns: [/^KubeNode[A-Z]/, /^Node(Clock|Network|RAID|Bonding|Systemd|CPU|System|Memory|DiskIO|FileDescriptor|HighNumberConntrack)/, /^Node.*(Pressure|NotReady|Unreachable)/],
  },
  {
    family: "volume_filling",
    names: [
      "KubePersistentVolumeFillingUp",
      "KubePersistentVolumeInodesFillingUp",
      "KubePersistentVolumeErrors",
      "NodeFilesystemSpaceFillingUp",
      "NodeFilesystemAlmostOutOfSpace",
      "NodeFilesystemFilesFillingUp",
      "NodeFilesystemAlmostOutOfFiles",
    ],
    patterns: [/FillingUp/, /OutOf(Space|Files)/, /DiskSpace/, /^NodeFilesystem/, /PersistentVolume/],
  },
  {
    family: "cert_expiry",
    names: [
      "CertificateExpiringIn7Days",
      "X509CertificateExpiring",
      "KubeClientCertificateExpiration",
      "KubeletClientCertificateExpiration",
      "KubeletServerCertificateExpiration",
      "KubeletClientCertificateRenewalErrors",
      "KubeletServerCertificateRenewalErrors",
    ],
    patterns: [/Cert(ificate)?.*(Expir|Renewal)/i, /X509/],
  },
  {
    family: "memory_pressure",
    names: ["MemoryPressure", "ContainerMemoryNearLimit", "PodMemoryUsageHigh"],
    patterns: [/(Container|Pod)Memory(Usage)?(High|NearLimit|Pressure)/, /^MemoryPressure/],
  },
  {
    family: "cpu_throttling",
    names: ["CPUThrottlingHigh", "KubePodCPUThrottling", "ContainerCpuThrottled"],
    patterns: [/Throttl/],
  },
  {
    family: "replication_lag",
    names: ["PostgresReplicationLagHigh"],
    patterns: [/ReplicationLag/, /ReplicaLag/, /ReplicationNotRunning/],
  },
  {
    family: "queue_backlog",
    names: ["QueueBacklog"],
    patterns: [/WorkerStarvation/, /QueueDepthHigh/, /QueueMessages/, /Backlog/, /ConsumerLag/, /ConsumerGroupLag/, /ConsumerPending/, /AckPending/, /JetStreamConsumer/, /^(Aws)?(SQS|Sqs)[A-Z]/, /MessagesVisible/, /OldestMessage/, /SlowConsumer/, /^(Nats|NATS)[A-Za-z]*Pending/],
  },
  {
    family: "cache_churn",
    names: ["RedisCacheChurnHigh", "CacheHitRateLow"],
    patterns: [/CacheChurn/, /CacheHit(Rate|Ratio)Low/, /Evictions?High/],
  },
  {
    family: "http_5xx",
    names: ["Http5xxRateHigh", "HighErrorRate", "ServiceErrorRate"],
    patterns: [/5xx/i, /ErrorRate/, /ErrorRatio/, /ErrorBudget/],
  },
  {
    family: "latency",
    names: ["APILatencyHigh", "HighLatency"],
    patterns: [/LatencyHigh/, /HighLatency/, /P9[59]/, /SlowRequests/],
  },
  {
    family: "target_down",
    names: ["TargetDown", "ServiceDown", "EndpointDown", "InstanceDown"],
    patterns: [/(Target|Service|Endpoint|Instance)Down$/],
  },
];

const exact = new Map<string, Family>();
for (const rule of familyRegistry) {
  for (const name of rule.names) {
    const seen = exact.get(name);
    if (seen && seen !== rule.family) throw new Error(`alertname ${name} is listed under both ${seen} and ${rule.family}`);
    exact.set(name, rule.family);
  }
}

/** The family whose pattern matches the most of the alertname; ties and no match are `generic`. */
function familyByPattern(alertname: string): Family {
  let best: Family = "generic";
  let bestLength = 0;
  let tied = false;
  for (const rule of familyRegistry) {
    for (const p of rule.patterns) {
      const length = p.exec(alertname)?.[0].length ?? 0;
      if (length === 0) continue;
      if (length > bestLength) {
        best = rule.family;
        bestLength = length;
        tied = false;
      } else if (length === bestLength && best !== rule.family) tied = true;
    }
  }
  return tied ? "generic" : best;
}

/** The family an alert belongs to, from its alertname (and `tarka_family` label when an operator sets one). */
export function familyOf(alertname: string, labels: Record<string, string> = {}): Family {
  const forced = labels.tarka_family;
  if (forced && (families as readonly string[]).includes(forced)) return forced as Family;
  return exact.get(alertname) ?? familyByPattern(alertname);
}
