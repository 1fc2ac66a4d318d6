import { describe, expect, it } from "vitest";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { scrapeLabels } from "@/test/helpers/scrape-labels";
import { targetOf } from "./target";

function alert(labels: Record<string, string>): NormalizedAlert {
  return {
    fingerprint: "f",
    status: "firing",
    alertname: labels.alertname,
    labels,
    annotations: {},
    startsAt: "2026-11-23T08:00:00.000Z",
    endsAt: null,
    generatorURL: null,
    externalURL: null,
    receiver: null,
  };
}

describe("targetOf", () => {
  it("reads pods, workloads, nodes and services from labels", () => {
    expect(targetOf(alert({ alertname: "KubePodCrashLooping", namespace: "ns", pod: "p-1" }), "crashloop")).toMatchObject({ type: "pod", name: "p-1" });
    expect(targetOf(alert({ alertname: "KubeDeploymentRolloutStuck", namespace: "ns", deployment: "api" }), "k8s_rollout_health")).toMatchObject({
      type: "workload",
      name: "api",
    });
    expect(targetOf(alert({ alertname: "KubeNodeNotReady", node: "n-1" }), "node_health")).toMatchObject({ type: "node", name: "n-1" });
    expect(targetOf(alert({ alertname: "HighErrorRate", service: "checkout" }), "http_5xx")).toMatchObject({ type: "service", name: "checkout" });
  });

  it("names a certificate, PVC or HPA as an object in its namespace", () => {
    const t = targetOf(alert({ alertname: "CertificateExpiringIn7Days", namespace: "edge", certificate: "api-tls" }), "cert_expiry", "prod");
    expect(t).toMatchObject({ type: "object", name: "api-tls", namespace: "edge" });
    const pvc = targetOf(alert({ alertname: "KubePersistentVolumeFillingUp", namespace: "data", persistentvolumeclaim: "pg-data-0" }), "volume_filling");
    expect(pvc).toMatchObject({ type: "object", name: "pg-data-0", namespace: "data" });
  });

  it("sets aside the labels that name kube-state-metrics, not the deployment or node the alert is about", () => {
    const ksm = scrapeLabels["kube-state-metrics"];
    const deployment = targetOf(alert({ alertname: "KubeDeploymentReplicasMismatch", ...ksm, namespace: "shop", deployment: "cart" }), "k8s_rollout_health");
    expect(deployment).toMatchObject({ type: "workload", name: "cart", namespace: "shop", workload: { kind: "Deployment", name: "cart" }, pod: null, container: null, service: null });
    const node = targetOf(alert({ alertname: "KubeNodeNotReady", ...ksm, node: "node-a" }), "node_health");
    expect(node).toMatchObject({ type: "node", name: "node-a", node: "node-a", namespace: null, pod: null });
  });

  it("keeps the subject's pod when an exporter runs beside it as a sidecar, without the exporter's container", () => {
    const t = targetOf(
      alert({ alertname: "PostgresReplicationLagHigh", job: "db", namespace: "data", pod: "db-1", container: "postgres-exporter", service: "db", instance: "10.1.0.4:9187" }),
      "replication_lag",
    );
    expect(t).toMatchObject({ type: "pod", name: "db-1", pod: "db-1", container: null, service: "db" });
  });

  it("says unknown when nothing identifies the target", () => {
    expect(targetOf(alert({ alertname: "Mystery" }), "generic")).toMatchObject({ type: "unknown", name: null });
  });
});
