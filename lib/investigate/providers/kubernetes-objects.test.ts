import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeKubernetes, writeKubeconfig, type FakeKubernetes } from "@/test/helpers/fake-kubernetes";
import { createKubernetesProvider } from "./kubernetes";
import type { KubernetesProvider } from "./types";

const ns = "shop";

describe("Kubernetes provider: HPA, ResourceQuota, PV/PVC and events by reason (against the fake API server)", () => {
  let fake: FakeKubernetes;
  let k8s: KubernetesProvider;

  beforeAll(async () => {
    fake = await startFakeKubernetes({
      objects: [
        {
          kind: "HorizontalPodAutoscaler",
          metadata: { name: "checkout", namespace: ns },
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "checkout" },
            minReplicas: 2,
            maxReplicas: 10,
            metrics: [
              { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
              { type: "Pods", pods: { metric: { name: "requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } } },
            ],
          },
          status: {
            currentReplicas: 10,
            desiredReplicas: 10,
            currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 96, averageValue: "480m" } } }],
            conditions: [{ type: "ScalingLimited", status: "True", reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" }],
          },
        },
        { kind: "ResourceQuota", metadata: { name: "compute", namespace: ns }, spec: { hard: { "requests.cpu": "4" } }, status: { hard: { "requests.cpu": "4", pods: "20" }, used: { "requests.cpu": "4", pods: "12" } } },
        { kind: "PersistentVolumeClaim", metadata: { name: "data-db-0", namespace: ns }, spec: { storageClassName: "fast", volumeName: "pv-1", resources: { requests: { storage: "10Gi" } } }, status: { phase: "Bound", capacity: { storage: "10Gi" } } },
        { kind: "PersistentVolume", metadata: { name: "pv-1" }, spec: { storageClassName: "fast", claimRef: { namespace: ns, name: "data-db-0" } }, status: { phase: "Failed", reason: "ReclaimFailed", message: "recycler failed" } },
        { kind: "Event", metadata: { name: "e1", namespace: ns }, type: "Warning", reason: "FailedCreate", message: 'pods "checkout-x" is forbidden: exceeded quota: compute', involvedObject: { kind: "ReplicaSet", name: "checkout-7d9" }, count: 4, lastTimestamp: "2026-11-23T11:50:00Z" },
        { kind: "Event", metadata: { name: "e2", namespace: ns }, type: "Normal", reason: "Scheduled", message: "assigned", involvedObject: { kind: "Pod", name: "checkout-x" } },
      ],
    });
    k8s = createKubernetesProvider({ kubeconfigPath: writeKubeconfig(fake.url, ns), timeoutMs: 2_000 });
  });
  afterAll(() => fake.stop());

  it("reads an HPA's bounds, replicas, what it scales on and its conditions", async () => {
    expect(await k8s.getHorizontalPodAutoscaler(ns, "checkout")).toEqual({
      namespace: ns,
      name: "checkout",
      scaleTarget: { kind: "Deployment", name: "checkout" },
      minReplicas: 2,
      maxReplicas: 10,
      currentReplicas: 10,
      desiredReplicas: 10,
      metrics: [
        { name: "cpu", current: "96%", target: "70%" },
        { name: "requests_per_second", current: null, target: "100" },
      ],
      conditions: [{ type: "ScalingLimited", status: "True", reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" }],
    });
    expect(await k8s.getHorizontalPodAutoscaler(ns, "nope")).toBeNull();
  });

  it("lists quotas with hard and used, reads PVC and PV phases", async () => {
    expect(await k8s.listResourceQuotas(ns)).toEqual([{ namespace: ns, name: "compute", hard: { "requests.cpu": "4", pods: "20" }, used: { "requests.cpu": "4", pods: "12" } }]);
    expect(await k8s.getPersistentVolumeClaim(ns, "data-db-0")).toEqual({ namespace: ns, name: "data-db-0", phase: "Bound", volumeName: "pv-1", storageClass: "fast", requested: "10Gi", capacity: "10Gi" });
    expect(await k8s.getPersistentVolume("pv-1")).toEqual({ name: "pv-1", phase: "Failed", reason: "ReclaimFailed", message: "recycler failed", storageClass: "fast", claim: { namespace: ns, name: "data-db-0" } });
    expect(await k8s.getPersistentVolume("pv-404")).toBeNull();
  });

  it("lists a namespace's events of one reason, whatever they are about", async () => {
    const events = await k8s.listEventsByReason(ns, "FailedCreate");
    expect(events.map((e) => [e.reason, e.involvedObject.kind, e.message])).toEqual([["FailedCreate", "ReplicaSet", 'pods "checkout-x" is forbidden: exceeded quota: compute']]);
    expect(fake.mutationAttempts).toBe(0);
  });
});
