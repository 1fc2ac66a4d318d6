import type { Family } from "@/lib/alerts/family";

/**
 * The closed vocabularies of the report (docs/report-schema.md). Consoles, routing
 * and evaluation read these values, so adding one is fine and renaming one is a breaking change.
 */

export const targetTypes = ["pod", "workload", "object", "service", "node", "cluster", "unknown"] as const;
export type TargetType = (typeof targetTypes)[number];

export const blockers = ["A", "B", "C", "D"] as const;
export type Blocker = (typeof blockers)[number];

export const blockerMeanings: Record<Blocker, string> = {
  A: "target identity missing",
  B: "Kubernetes context missing",
  C: "logs empty or unavailable",
  D: "Prometheus scope unavailable",
};

export const classifications = ["actionable", "informational", "noisy", "artifact"] as const;
export type Classification = (typeof classifications)[number];

export const k8sStatuses = ["ok", "unavailable", "not_applicable"] as const;
export const metricsStatuses = ["ok", "empty", "unavailable", "not_applicable"] as const;
export const logsStatuses = ["ok", "empty", "unavailable"] as const;

/** The base triage decision, made before any family-specific reading. */
export const decisionLabels = [
  "evidence_collected",
  "partial_evidence",
  "blocked_no_evidence",
  "recovered_or_artifact",
  "meta_signal",
] as const;
export type DecisionLabel = (typeof decisionLabels)[number];

export const UNKNOWN_NEEDS_HUMAN = "unknown_needs_human";

export const enrichmentLabels = {
  crashloop: [
    "suspected_oom_crash",
    "suspected_liveness_probe_failure",
    "suspected_config_or_permission_error",
    "suspected_dependency_unavailable",
    "suspected_app_startup_failure",
    "suspected_app_runtime_failure",
  ],
  pod_not_healthy: [
    "suspected_image_pull_backoff",
    "suspected_config_error",
    "suspected_oomkill",
    "suspected_scheduling_or_node_pressure",
    "suspected_crashloop_or_probe_failure",
    "suspected_readiness_failure",
    "suspected_stuck_terminating",
  ],
  oom_killed: ["suspected_oom_limit_too_low", "suspected_memory_leak_or_spike", "suspected_node_pressure"],
  memory_pressure: [
    "suspected_container_near_limit",
    "suspected_memory_leak_or_spike",
    "suspected_node_pressure_or_eviction",
  ],
  cpu_throttling: ["suspected_cpu_limit_too_low", "suspected_missing_cpu_limit", "suspected_cfs_throttle_but_usage_low"],
  http_5xx: [
    "suspected_rollout_regression",
    "suspected_dependency_failure",
    "suspected_infra_network",
    "suspected_app_errors",
  ],
  latency: [
    "suspected_saturation",
    "suspected_dependency_latency",
    "suspected_database_slow",
    "suspected_rollout_regression",
  ],
  target_down: ["suspected_job_wide_scrape_failure", "suspected_single_endpoint_down"],
  k8s_rollout_health: [
    "suspected_rollout_stuck",
    "suspected_replicas_mismatch",
    "suspected_daemonset_unschedulable",
    "suspected_pdb_blocking",
    "recovered",
  ],
  job_failed: ["job_failed", "job_failed_exit_<code>", "job_deadline_exceeded", "job_oom"],
  node_health: [
    "suspected_node_not_ready",
    "suspected_node_memory_pressure",
    "suspected_node_disk_pressure",
    "suspected_node_clock_skew",
    "suspected_node_network_errors",
    "suspected_node_hardware_degraded",
    "suspected_node_resource_exhaustion",
    "suspected_node_service_failed",
  ],
  volume_filling: ["suspected_disk_filling", "suspected_inodes_exhausted", "suspected_volume_provisioning_error"],
  cert_expiry: ["suspected_cert_rotation_failure", "suspected_cert_expiring"],
  queue_backlog: ["suspected_worker_starvation", "suspected_stuck_consumers", "suspected_producer_spike"],
  cache_churn: ["suspected_cache_memory_eviction", "suspected_ttl_too_short"],
  replication_lag: [
    "suspected_replica_overloaded",
    "suspected_replication_network",
    "suspected_primary_write_burst",
    "suspected_replica_query_conflict",
    "suspected_replica_io_saturated",
  ],
  observability_pipeline: [
    "suspected_alerting_rules_error",
    "suspected_ingestion_failure",
    "suspected_high_cardinality",
    "suspected_prometheus_or_vm_incident",
    "suspected_trace_context_loss",
    "suspected_notification_failure",
    "suspected_config_reload_failure",
    "suspected_remote_write_failure",
    "suspected_service_discovery_failure",
  ],
  control_plane: [
    "suspected_component_down",
    "suspected_apiserver_overload",
    "suspected_etcd_degraded",
    "suspected_kubelet_degraded",
    "suspected_version_skew",
  ],
  capacity: ["suspected_cluster_overcommit", "suspected_quota_exhausted", "suspected_hpa_at_max", "suspected_hpa_cannot_scale"],
  meta: ["expected_inhibitor", "heartbeat"],
  generic: [],
} as const satisfies Record<Family, readonly string[]>;

/** Every enrichment label, across families (a family may use another family's label when the evidence says so). */
export const allEnrichmentLabels: readonly string[] = [
  ...new Set([...Object.values(enrichmentLabels).flat(), UNKNOWN_NEEDS_HUMAN]),
];

const jobExitLabel = /^job_failed_exit_\d{1,3}$/;

export function isEnrichmentLabel(label: string): boolean {
  return allEnrichmentLabels.includes(label) || jobExitLabel.test(label);
}

export const hypothesisCategories = [
  "oom",
  "memory_leak",
  "cpu_limit",
  "dependency_unavailable",
  "dependency_latency",
  "database_slow",
  "config_error",
  "permission_error",
  "image_pull",
  "probe_failure",
  "app_crash",
  "bad_rollout",
  "scheduling",
  "node_pressure",
  "disk_full",
  "scrape_failure",
  "network",
  "cert_expiry",
  "saturation",
  "queue_starvation",
  "cache_eviction",
  "replication",
  "alerting_pipeline",
  "high_cardinality",
  "noise",
  "control_plane",
  "quota",
  "autoscaling",
  "unknown",
] as const;
export type HypothesisCategory = (typeof hypothesisCategories)[number];

export const scoreDimensions = ["impact", "confidence", "noise"] as const;
export type ScoreDimension = (typeof scoreDimensions)[number];

/** Reason codes: each adds `delta` to one score dimension, with a sentence saying why. */
export const reasonCodes = {
  severity_critical: "impact",
  severity_warning: "impact",
  severity_info: "impact",
  pod_not_ready: "impact",
  restarts_high: "impact",
  workload_degraded: "impact",
  workload_unavailable: "impact",
  node_not_ready: "impact",
  user_facing_errors: "impact",
  latency_high: "impact",
  resource_nearly_exhausted: "impact",
  job_failed: "impact",
  many_similar_alerts: "impact",
  root_cause_evidence: "confidence",
  log_pattern_match: "confidence",
  k8s_evidence: "confidence",
  metrics_evidence: "confidence",
  corroborated: "confidence",
  rollout_correlated: "confidence",
  blocker_target_missing: "confidence",
  blocker_k8s_missing: "confidence",
  blocker_logs_missing: "confidence",
  blocker_metrics_missing: "confidence",
  thin_evidence: "confidence",
  target_recovered: "noise",
  flapping: "noise",
  silenced_or_inhibited: "noise",
  meta_alert: "noise",
  resolved_alert: "noise",
} as const satisfies Record<string, ScoreDimension>;
export type ReasonCode = keyof typeof reasonCodes;
export const reasonCodeNames = Object.keys(reasonCodes) as [ReasonCode, ...ReasonCode[]];

export const stepKinds = ["promql", "kubectl", "logql", "text"] as const;
export type StepKind = (typeof stepKinds)[number];
