import { describe, expect, it } from "vitest";
import type { Family } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Providers } from "../providers/types";
import type { Blocker, Classification, HypothesisCategory } from "../vocabulary";
import { alertOf, eventOf, failing, investigate, kubeOf, logsOf, metricsOf, nodeOf, podOf, workloadOf } from "../testing/providers";

type Firing = {
  name: string;
  alert: NormalizedAlert;
  providers: Partial<Providers>;
  label: string;
  top: HypothesisCategory;
  classification: Classification;
  /** Text the diagnosis must name (a host, a ratio, a growth rate…). */
  mentions: string[];
};

type FamilyCase = {
  family: Family;
  alert: NormalizedAlert;
  firing: Firing[];
  /** Blockers when every provider throws, and with no providers at all. */
  blocked: Blocker[];
  noProvider: Blocker[];
};

const pod = { namespace: "shop", pod: "checkout-7d9f8-abcde", container: "app" };
const MiB = 2 ** 20;
const DAY = 86_400;
const redis = { namespace: "shop", service: "redis", instance: "10.2.0.7:9121", job: "redis-exporter" };
const replica = { namespace: "data", pod: "pg-replica-1" };
const prometheus = { namespace: "monitoring", job: "prometheus", instance: "prometheus-0:9090" };
const orders = { namespace: "shop", queue: "orders", deployment: "order-worker" };

const families: FamilyCase[] = [
  {
    family: "memory_pressure",
    alert: alertOf({ alertname: "ContainerMemoryNearLimit", severity: "warning", ...pod }),
    firing: [
      {
        name: "usage flat near the limit",
        alert: alertOf({ alertname: "ContainerMemoryNearLimit", severity: "warning", ...pod }),
        providers: {
          kubernetes: kubeOf({ pod: podOf(), node: nodeOf() }),
          metrics: metricsOf({ container_memory_working_set_bytes: [236, 240, 238, 241, 239, 240].map((m) => m * MiB), kube_pod_container_resource_limits: [256 * MiB] }),
        },
        label: "suspected_container_near_limit",
        top: "oom",
        classification: "actionable",
        mentions: ["256 MiB limit", "94% of the limit"],
      },
      {
        name: "steady growth is a leak",
        alert: alertOf({ alertname: "PodMemoryUsageHigh", severity: "warning", ...pod }),
        providers: {
          kubernetes: kubeOf({ pod: podOf(), node: nodeOf() }),
          metrics: metricsOf({ container_memory_working_set_bytes: [100, 118, 131, 150, 166, 181, 199].map((m) => m * MiB), kube_pod_container_resource_limits: [256 * MiB] }),
        },
        label: "suspected_memory_leak_or_spike",
        top: "memory_leak",
        classification: "actionable",
        mentions: ["steady growth", "reaches its limit in about"],
      },
      {
        name: "one jump is a spike",
        alert: alertOf({ alertname: "PodMemoryUsageHigh", severity: "warning", ...pod }),
        providers: {
          kubernetes: kubeOf({ pod: podOf(), node: nodeOf() }),
          metrics: metricsOf({ container_memory_working_set_bytes: [90, 91, 90, 180, 181, 182].map((m) => m * MiB), kube_pod_container_resource_limits: [256 * MiB] }),
        },
        label: "suspected_memory_leak_or_spike",
        top: "memory_leak",
        classification: "actionable",
        mentions: ["one step accounts for", "not a slow leak"],
      },
      {
        name: "node under pressure evicts pods",
        alert: alertOf({ alertname: "PodMemoryUsageHigh", severity: "critical", ...pod }),
        providers: {
          kubernetes: kubeOf({
            pod: podOf(),
            node: nodeOf({ conditions: [{ type: "Ready", status: "True" }, { type: "MemoryPressure", status: "True", reason: "KubeletHasInsufficientMemory" }] }),
            events: [eventOf("Evicted", "The node was low on resource: memory. Container app was using 240Mi, request is 128Mi.")],
          }),
          metrics: metricsOf({ container_memory_working_set_bytes: [200, 201, 200, 202].map((m) => m * MiB), kube_pod_container_resource_limits: [1024 * MiB], kube_node_status_condition: [0, 1, 1] }),
        },
        label: "suspected_node_pressure_or_eviction",
        top: "node_pressure",
        classification: "actionable",
        mentions: ["node-a reports MemoryPressure=True", "event Evicted"],
      },
    ],
    blocked: ["B", "D"],
    noProvider: ["B", "D"],
  },
  {
    family: "cert_expiry",
    alert: alertOf({ alertname: "CertificateExpiringIn7Days", severity: "warning", instance: "https://shop.example.com", job: "blackbox" }),
    firing: [
      {
        name: "probed endpoint certificate close to expiry",
        alert: alertOf({ alertname: "CertificateExpiringIn7Days", severity: "warning", instance: "https://shop.example.com", job: "blackbox" }),
        providers: { metrics: metricsOf({ probe_ssl_earliest_cert_expiry: [5.31, 5.3, 5.29].map((d) => d * DAY) }) },
        label: "suspected_cert_expiring",
        top: "cert_expiry",
        classification: "actionable",
        mentions: ["the certificate served by shop.example.com:443 expires in 5.3 days"],
      },
      {
        name: "cert-manager renewal time passed, Certificate not Ready",
        alert: alertOf({ alertname: "CertManagerCertExpirySoon", severity: "warning", namespace: "shop", name: "shop-tls", job: "cert-manager" }),
        providers: {
          metrics: metricsOf({
            certmanager_certificate_expiration_timestamp_seconds: [6.1, 6.05, 6].map((d) => d * DAY),
            certmanager_certificate_renewal_timestamp_seconds: [-23.9, -23.95, -24].map((d) => d * DAY),
            certmanager_certificate_ready_status: [1, 1, 1],
          }),
        },
        label: "suspected_cert_rotation_failure",
        top: "cert_expiry",
        classification: "actionable",
        mentions: ["cert-manager Certificate shop/shop-tls expires in 6.0 days", "renewal time passed 24.0 days ago", "not Ready"],
      },
    ],
    blocked: ["D"],
    noProvider: ["D"],
  },
  {
    family: "queue_backlog",
    alert: alertOf({ alertname: "QueueBacklog", severity: "warning", ...orders }),
    firing: [
      {
        name: "workers saturated, processing flat",
        alert: alertOf({ alertname: "OrdersWorkerStarvation", severity: "warning", ...orders }),
        providers: {
          kubernetes: kubeOf({ workload: workloadOf({ namespace: "shop", name: "order-worker" }) }),
          metrics: metricsOf({
            rabbitmq_queue_messages_ready: [100, 300, 600, 900, 1200, 1500],
            rabbitmq_queue_consumers: [4, 4, 4],
            rabbitmq_queue_messages_published_total: [60, 62, 61, 63, 62, 61],
            rabbitmq_queue_messages_delivered_total: [50, 50, 51, 50, 50, 50],
            container_cpu_usage_seconds_total: [0.95, 0.97, 0.98],
            kube_horizontalpodautoscaler_status_current_replicas: [1, 1, 1],
          }),
        },
        label: "suspected_worker_starvation",
        top: "queue_starvation",
        classification: "actionable",
        mentions: ["backlog 100 → 1500", "98% of their CPU limit", "autoscaler is at its maximum"],
      },
      {
        name: "consumers present, nothing consumed",
        alert: alertOf({ alertname: "KafkaConsumerLagHigh", severity: "critical", namespace: "billing", consumergroup: "invoicer", topic: "invoices", job: "kafka-exporter" }),
        providers: {
          metrics: metricsOf({
            kafka_consumergroup_lag: [40, 400, 900, 1500],
            kafka_consumergroup_members: [2, 2, 2],
            kafka_topic_partition_current_offset: [10, 10, 11, 10],
            kafka_consumergroup_current_offset: [9, 0, 0, 0],
          }),
        },
        label: "suspected_stuck_consumers",
        top: "queue_starvation",
        classification: "actionable",
        mentions: ["2 consumer(s) (the broker)", "processing rate 9 → 0 msg/s"],
      },
      {
        name: "enqueue rate jumped, processing normal",
        alert: alertOf({ alertname: "QueueBacklog", severity: "warning", ...orders }),
        providers: {
          kubernetes: kubeOf({ workload: workloadOf({ namespace: "shop", name: "order-worker" }) }),
          metrics: metricsOf({
            rabbitmq_queue_messages_ready: [10, 12, 400, 900, 1400],
            rabbitmq_queue_consumers: [3, 3, 3],
            rabbitmq_queue_messages_published_total: [20, 21, 80, 85, 90],
            rabbitmq_queue_messages_delivered_total: [20, 21, 22, 22, 22],
            container_cpu_usage_seconds_total: [0.4, 0.5, 0.5],
          }),
        },
        label: "suspected_producer_spike",
        top: "saturation",
        classification: "actionable",
        mentions: ["enqueue rate 20 → 90 msg/s", "4.5× its rate"],
      },
    ],
    blocked: ["B", "D"],
    noProvider: ["B", "D"],
  },
  {
    family: "cache_churn",
    alert: alertOf({ alertname: "RedisCacheChurnHigh", severity: "warning", ...redis }),
    firing: [
      {
        name: "evictions with memory at maxmemory",
        alert: alertOf({ alertname: "RedisCacheChurnHigh", severity: "warning", ...redis }),
        providers: {
          metrics: metricsOf({
            redis_evicted_keys_total: [0, 40, 120, 150],
            redis_expired_keys_total: [2, 2, 3, 2],
            redis_keyspace_hits_total: [0.93, 0.7, 0.55],
            redis_memory_used_bytes: [1000, 1020, 1023].map((m) => m * MiB),
            redis_memory_max_bytes: [1024 * MiB],
          }),
        },
        label: "suspected_cache_memory_eviction",
        top: "cache_eviction",
        classification: "actionable",
        mentions: ["150 keys/s evicted", "(100%)", "hit ratio 55%"],
      },
      {
        name: "keys expire, memory roomy",
        alert: alertOf({ alertname: "CacheHitRateLow", severity: "warning", ...redis }),
        providers: {
          metrics: metricsOf({
            redis_evicted_keys_total: [0, 0, 0],
            redis_expired_keys_total: [300, 420, 450],
            redis_keyspace_hits_total: [0.6, 0.45, 0.4],
            redis_memory_used_bytes: [200, 180, 190].map((m) => m * MiB),
            redis_memory_max_bytes: [1024 * MiB],
          }),
        },
        label: "suspected_ttl_too_short",
        top: "cache_eviction",
        classification: "actionable",
        mentions: ["hit ratio 40%", "390 keys/s expire on average", "memory is not the constraint"],
      },
    ],
    blocked: ["D"],
    noProvider: ["D"],
  },
  {
    family: "replication_lag",
    alert: alertOf({ alertname: "PostgresReplicationLagHigh", severity: "critical", ...replica }),
    firing: [
      {
        name: "WAL arrives, replay falls behind on a busy replica",
        alert: alertOf({ alertname: "PostgresReplicationLagHigh", severity: "critical", ...replica }),
        providers: {
          kubernetes: kubeOf({ pod: podOf({ namespace: "data", name: replica.pod }) }),
          logs: logsOf(["LOG:  started streaming WAL from primary at 3/1A000000 on timeline 1"]),
          metrics: metricsOf({
            pg_replication_lag_seconds: [5, 40, 90, 180],
            pg_stat_replication_write_lag_seconds: [0.1, 0.2, 0.1, 0.2],
            container_cpu_usage_seconds_total: [0.9, 0.97, 0.96],
          }),
        },
        label: "suspected_replica_overloaded",
        top: "saturation",
        classification: "actionable",
        mentions: ["replication lag 5 s → 3 min", "write lag only 0 s", "97% of its limit"],
      },
      {
        name: "WAL does not reach the replica, connection timeouts in logs",
        alert: alertOf({ alertname: "PostgresReplicationLagHigh", severity: "critical", ...replica }),
        providers: {
          kubernetes: kubeOf({ pod: podOf({ namespace: "data", name: replica.pod }) }),
          logs: logsOf([
            'FATAL:  could not connect to the primary server: connection to server at "pg-primary.data.svc" (10.3.0.5), port 5432 failed: Connection timed out',
            "LOG:  terminating walreceiver due to timeout",
          ]),
          metrics: metricsOf({ pg_replication_lag_seconds: [3, 60, 150, 240], pg_stat_replication_write_lag_seconds: [2, 55, 140, 230], container_cpu_usage_seconds_total: [0.2, 0.2, 0.1] }),
        },
        label: "suspected_replication_network",
        top: "network",
        classification: "actionable",
        mentions: ["WAL write lag 4 min", "logs: connection timed out"],
      },
      {
        name: "MySQL IO thread stopped",
        alert: alertOf({ alertname: "MysqlReplicationLag", severity: "warning", instance: "mysql-replica-0:9104", job: "mysql" }),
        providers: { metrics: metricsOf({ mysql_slave_status_seconds_behind_master: [0, 120, 480, 900], mysql_slave_status_slave_io_running: [1, 0, 0, 0], mysql_slave_status_slave_sql_running: [1, 1, 1, 1] }) },
        label: "suspected_replication_network",
        top: "network",
        classification: "actionable",
        mentions: ["replication IO thread stopped", "15 min"],
      },
    ],
    blocked: ["B", "C", "D"],
    noProvider: ["B", "C", "D"],
  },
  {
    family: "observability_pipeline",
    alert: alertOf({ alertname: "AlertingRulesError", severity: "warning", ...prometheus }),
    firing: [
      {
        name: "rule evaluation failures",
        alert: alertOf({ alertname: "AlertingRulesError", severity: "warning", ...prometheus }),
        providers: { metrics: metricsOf({ prometheus_rule_evaluation_failures_total: [0, 3, 6, 6], prometheus_tsdb_head_series: [1e6, 1e6, 1.01e6] }) },
        label: "suspected_alerting_rules_error",
        top: "alerting_pipeline",
        classification: "actionable",
        mentions: ["6 Prometheus rule evaluation failures in 10 min"],
      },
      {
        name: "rows ignored on ingestion",
        alert: alertOf({ alertname: "RowsRejectedOnIngestion", severity: "warning", namespace: "monitoring", job: "vminsert" }),
        providers: { metrics: metricsOf({ vm_rows_ignored_total: [0, 120, 300] }) },
        label: "suspected_ingestion_failure",
        top: "alerting_pipeline",
        classification: "actionable",
        mentions: ["300 rows/s ignored by VictoriaMetrics"],
      },
      {
        name: "head series explode",
        alert: alertOf({ alertname: "PrometheusHighCardinality", severity: "warning", ...prometheus }),
        providers: { metrics: metricsOf({ prometheus_tsdb_head_series: [1.2e6, 1.5e6, 2.1e6, 2.6e6], prometheus_tsdb_head_samples_appended_total: [5e4, 5.2e4, 5.1e4] }) },
        label: "suspected_high_cardinality",
        top: "high_cardinality",
        classification: "actionable",
        mentions: ["head series 1200000 → 2600000 (2.2×"],
      },
      {
        name: "ingestion stopped",
        alert: alertOf({ alertname: "PrometheusNotIngestingSamples", severity: "critical", ...prometheus }),
        providers: { metrics: metricsOf({ prometheus_tsdb_head_samples_appended_total: [52000, 51000, 0, 0], prometheus_tsdb_head_series: [1e6, 1e6, 1e6] }) },
        label: "suspected_prometheus_or_vm_incident",
        top: "alerting_pipeline",
        classification: "actionable",
        mentions: ["ingestion collapsed: 52000 → 0 samples/s"],
      },
      {
        name: "orphaned spans",
        alert: alertOf({ alertname: "OrphanedSpansHigh", severity: "warning", namespace: "shop", service: "checkout" }),
        providers: { metrics: metricsOf({ traces_orphaned_spans_total: [0.2, 0.3, 0.35] }) },
        label: "suspected_trace_context_loss",
        top: "config_error",
        classification: "actionable",
        mentions: ["35% of spans are orphaned", "assuming traces_orphaned_spans_total"],
      },
    ],
    blocked: ["D"],
    noProvider: ["D"],
  },
];

describe.each(families)("family $family", (c) => {
  describe.each(c.firing)("firing: $name", (x) => {
    it(`diagnoses ${x.label} from evidence`, async () => {
      const report = await investigate(x.alert, x.providers);
      expect(report.family).toBe(c.family);
      expect(report.analysis.enrichment.label).toBe(x.label);
      expect(report.analysis.hypotheses[0]?.category).toBe(x.top);
      expect(report.analysis.verdict.classification).toBe(x.classification);
      const why = report.analysis.enrichment.why.join("\n");
      for (const m of x.mentions) expect(why).toContain(m);
      expect(report.analysis.enrichment.next.length).toBeGreaterThan(0);
      expect(report.analysis.blockers).not.toContain("D");
    });
  });

  it("blocked: the metrics provider (and every other) throws, each call is recorded as an error", async () => {
    const report = await investigate(c.alert, failing);
    expect(report.family).toBe(c.family);
    expect(report.analysis.blockers).toEqual(c.blocked);
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    const prometheus = report.queries.filter((q) => q.provider === "prometheus");
    expect(prometheus.length).toBeGreaterThan(1);
    expect(prometheus.every((q) => q.outcome === "error" && q.error?.includes("ECONNREFUSED"))).toBe(true);
    expect(report.evidence.metrics.status).toBe("unavailable");
  });

  it("no providers: unknown_needs_human, says what is missing and what to run", async () => {
    const report = await investigate(c.alert);
    expect(report.family).toBe(c.family);
    expect(report.analysis.blockers).toEqual(c.noProvider);
    expect(report.queries).toEqual([]);
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    expect(report.analysis.enrichment.next.some((n) => n.includes(c.alert.labels.pod ?? c.alert.labels.instance ?? c.alert.labels.namespace ?? "\u0000"))).toBe(true);
    expect(report.analysis.hypotheses[0]?.category).toBe("unknown");
  });
});

describe("evidence over alert names", () => {
  it("a rule-error alert whose server shows exploding series points at cardinality, and rule failures rank second", async () => {
    const report = await investigate(alertOf({ alertname: "AlertingRulesError", severity: "warning", ...prometheus }), {
      metrics: metricsOf({ prometheus_tsdb_head_series: [1e6, 1.6e6, 2.4e6], prometheus_rule_evaluation_failures_total: [0, 2, 4], prometheus_tsdb_head_samples_appended_total: [5e4, 2e4, 1e3] }),
    });
    expect(report.analysis.enrichment.label).toBe("suspected_high_cardinality");
    expect(report.analysis.hypotheses.map((h) => h.id)).toEqual(["suspected_high_cardinality", "suspected_alerting_rules_error", "suspected_prometheus_or_vm_incident"]);
    expect(report.analysis.enrichment.next.join("\n")).toContain('topk(10, count by (__name__)({__name__=~".+"}))');
  });

  it("a certificate alert whose certificate has two months left needs a human", async () => {
    const report = await investigate(alertOf({ alertname: "CertificateExpiringIn7Days", severity: "warning", instance: "https://shop.example.com", job: "blackbox" }), {
      metrics: metricsOf({ probe_ssl_earliest_cert_expiry: [61 * DAY, 61 * DAY] }),
    });
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    expect(report.analysis.enrichment.why.join("\n")).toContain("expires in 61.0 days: not close");
  });

  it("a memory alert with flat usage far below the limit and a healthy node needs a human", async () => {
    const report = await investigate(alertOf({ alertname: "PodMemoryUsageHigh", severity: "warning", ...pod }), {
      kubernetes: kubeOf({ pod: podOf(), node: nodeOf() }),
      metrics: metricsOf({ container_memory_working_set_bytes: [100, 101, 100, 102].map((m) => m * MiB), kube_pod_container_resource_limits: [1024 * MiB] }),
    });
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    expect(report.analysis.hypotheses[0]?.category).toBe("unknown");
  });

  it("a draining backlog is reported as recovering, not diagnosed", async () => {
    const report = await investigate(alertOf({ alertname: "QueueBacklog", severity: "warning", ...orders }), {
      kubernetes: kubeOf({ workload: workloadOf({ namespace: "shop", name: "order-worker" }) }),
      metrics: metricsOf({ rabbitmq_queue_messages_ready: [1500, 900, 300], rabbitmq_queue_messages_delivered_total: [0, 0, 0], rabbitmq_queue_consumers: [3, 3] }),
    });
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    expect(report.analysis.enrichment.why.join("\n")).toContain("draining (1500 → 300)");
  });

  it("queue queries are copy/paste PromQL with the alert's labels", async () => {
    const metrics = metricsOf({});
    await investigate(alertOf({ alertname: "QueueBacklog", ...orders }), { metrics });
    expect(metrics.seen).toContain('sum(rabbitmq_queue_messages_ready{queue="orders"})');
    expect(metrics.seen).toContain(
      'sum(rate(container_cpu_usage_seconds_total{namespace="shop",pod=~"order-worker-.*",container!=""}[5m])) / sum(kube_pod_container_resource_limits{namespace="shop",pod=~"order-worker-.*",resource="cpu"})',
    );
  });
});
