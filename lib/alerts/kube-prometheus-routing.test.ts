import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { familyModule } from "@/lib/investigate/families";
import { rulesDir } from "@/test/helpers/kube-prometheus-rules";
import { type Family, familyOf } from "./family";

/**
 * Every alerting rule kube-prometheus ships (../shared/reference/kube-prometheus/rules/) must land in a family that fits
 * the rule's own group. The expectation comes from the rule files, not from the registry.
 */

/** Which families make sense for the alerts of each kube-prometheus rule group. */
const allowedByGroup: Record<string, Family[]> = {
  "alertmanager.rules": ["observability_pipeline"],
  GrafanaAlerts: ["observability_pipeline"],
  "general.rules": ["target_down", "meta"],
  "node-network": ["node_health"],
  "kube-state-metrics": ["observability_pipeline"],
  "kubernetes-apps": ["crashloop", "pod_not_healthy", "k8s_rollout_health", "job_failed", "capacity"],
  "kubernetes-resources": ["capacity", "cpu_throttling"],
  "kubernetes-storage": ["volume_filling"],
  "kubernetes-system": ["control_plane"],
  "kube-apiserver-slos": ["control_plane"],
  "kubernetes-system-apiserver": ["control_plane", "cert_expiry"],
  "kubernetes-system-kubelet": ["node_health", "control_plane", "cert_expiry"],
  "kubernetes-system-scheduler": ["control_plane"],
  "kubernetes-system-controller-manager": ["control_plane"],
  "node-exporter": ["volume_filling", "node_health", "observability_pipeline"],
  prometheus: ["observability_pipeline"],
  "prometheus-operator": ["observability_pipeline"],
  "config-reloaders": ["observability_pipeline"],
};

/** Rules allowed to stay `generic`, each with the reason (at most 5). */
const genericOnPurpose: Record<string, string> = {};

type Rule = { alert?: string; expr?: string; annotations?: Record<string, string> };
type RuleFile = { spec?: { groups?: Array<{ name: string; rules?: Rule[] }> } };

function alertingRules(): Array<{ file: string; group: string; alert: string; runbook: string | undefined }> {
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((file) => {
      const doc = parse(readFileSync(path.join(rulesDir, file), "utf8")) as RuleFile;
      return (doc.spec?.groups ?? []).flatMap((g) =>
        (g.rules ?? []).filter((r) => r.alert).map((r) => ({ file, group: g.name, alert: r.alert as string, runbook: r.annotations?.runbook_url })),
      );
    });
}

describe("kube-prometheus alerting rules → families", () => {
  const rules = alertingRules();

  it("reads all 139 alerting rules", () => {
    expect(rules.length).toBe(139);
    expect(Object.keys(genericOnPurpose).length).toBeLessThanOrEqual(5);
  });

  it.each(rules.map((r) => [r.alert, r.group, r]))("%s (%s) lands in a family that fits its group", (_name, _group, r) => {
    const family = familyOf(r.alert);
    if (family === "generic") {
      expect(genericOnPurpose[r.alert], `${r.alert} fell to generic without a written reason`).toBeTruthy();
      return;
    }
    const allowed = allowedByGroup[r.group];
    expect(allowed, `rule group ${r.group} (${r.file}) has no expectation`).toBeDefined();
    expect(allowed).toContain(family);
    // A certificate rule is about the certificate, whatever component carries it.
    if (/Certificate/.test(r.alert)) expect(family).toBe("cert_expiry");
    // Its family has its own investigation rather than the generic fallback.
    expect(familyModule(family).family).toBe(family);
  });
});

describe("family registry", () => {
  it.each([
    ["KubeletTooManyPods", "control_plane"],
    ["KubeAPIErrorBudgetBurn", "control_plane"],
    ["etcdHighFsyncDurations", "control_plane"],
    ["etcdNoLeader", "control_plane"],
    ["KubeHpaMaxedOut", "capacity"],
    ["PaymentsOOMKilled", "oom_killed"],
    ["WorkerOomKilled", "oom_killed"],
    ["CheckoutContainerCrashLooping", "crashloop"],
    ["CheckoutErrorBudgetBurn", "http_5xx"],
    ["VMAlertRuleFailures", "observability_pipeline"],
    ["NatsConsumerPendingHigh", "queue_backlog"],
    ["JetStreamConsumerAckPendingHigh", "queue_backlog"],
    ["NatsSlowConsumers", "queue_backlog"],
    ["MySQLReplicationLag", "replication_lag"],
    ["MySQLReplicationNotRunning", "replication_lag"],
    ["NATSSlowConsumer", "queue_backlog"],
    ["NatsServerPendingBytesHigh", "queue_backlog"],
    ["SQSQueueBacklog", "queue_backlog"],
    ["SqsMessagesVisibleHigh", "queue_backlog"],
    ["AwsSqsApproximateAgeOfOldestMessage", "queue_backlog"],
    ["KafkaConsumerGroupLagHigh", "queue_backlog"],
    ["RabbitmqQueueMessagesHigh", "queue_backlog"],
  ])("%s → %s", (name, family) => {
    expect(familyOf(name)).toBe(family);
  });

  it("ignores the case-insensitive OOM inside words (TooManyPods) and never lets file order decide", () => {
    expect(familyOf("ShardTooManyPods")).toBe("generic");
    expect(familyOf("RoomBookingsLatencyHigh")).toBe("latency");
  });
});
