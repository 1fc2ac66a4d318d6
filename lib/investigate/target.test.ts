import { describe, expect, it } from "vitest";
import type { NormalizedAlert } from "@/lib/alerts/schema";
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

  it("treats a cert-manager certificate alert as cluster-scoped and names the certificate", () => {
    const t = targetOf(alert({ alertname: "CertificateExpiringIn7Days", namespace: "edge", certificate: "api-tls" }), "cert_expiry", "prod");
    expect(t).toMatchObject({ type: "cluster", name: "api-tls" });
  });

  it("says unknown when nothing identifies the target", () => {
    expect(targetOf(alert({ alertname: "Mystery" }), "generic")).toMatchObject({ type: "unknown", name: null });
  });
});
