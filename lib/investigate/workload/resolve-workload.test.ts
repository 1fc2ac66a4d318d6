import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import { startFakeKubernetes, writeKubeconfig, type FakeKubernetes, type KubeObject } from "@/test/helpers/fake-kubernetes";
import { alertOf } from "../testing/providers";
import { createKubernetesProvider } from "../providers/kubernetes";
import type { KubernetesProvider } from "../providers/types";
import { recorder } from "../recorder";
import type { Target } from "../report";
import { checkDependencies } from "./dependencies";
import { resolveWorkload } from "./resolve-workload";

const ns = "shop";
const log = createLogger({ level: "silent" });

function pod(name: string, labels: Record<string, string>, extra: { ip?: string; containers?: string[]; phase?: string; owner?: string } = {}): KubeObject {
  return {
    kind: "Pod",
    metadata: { name, namespace: ns, labels, ...(extra.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: extra.owner, uid: `${extra.owner}-uid`, controller: true }] } : {}) },
    spec: { containers: (extra.containers ?? ["app"]).map((c) => ({ name: c, image: "registry.example/app:1" })) },
    status: { phase: extra.phase ?? "Running", ...(extra.ip ? { podIP: extra.ip } : {}), containerStatuses: (extra.containers ?? ["app"]).map((c) => ({ name: c, image: "x", imageID: "", ready: true, restartCount: 0, state: { running: {} } })) },
  };
}

function target(over: Partial<Target>): Target {
  return { type: "service", name: null, namespace: ns, cluster: null, pod: null, container: null, workload: null, service: null, node: null, job: null, instance: null, ...over };
}

describe("resolveWorkload against the fake Kubernetes API", () => {
  let fake: FakeKubernetes;
  let kube: KubernetesProvider;

  beforeAll(async () => {
    fake = await startFakeKubernetes({
      objects: [
        { kind: "Service", metadata: { name: "legacy", namespace: ns }, spec: { ports: [{ port: 80 }] } },
        { kind: "EndpointSlice", metadata: { name: "legacy-1", namespace: ns, labels: { "kubernetes.io/service-name": "legacy" } }, addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.5"], conditions: { ready: true }, targetRef: { kind: "Pod", name: "legacy-vm-0" } }], ports: [] },
        pod("legacy-vm-0", { role: "legacy" }),
        pod("search-6d8f7-abcde", { "app.kubernetes.io/name": "search" }, { owner: "search-6d8f7" }),
        { kind: "ReplicaSet", metadata: { name: "search-6d8f7", namespace: ns, uid: "search-6d8f7-uid", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "search", uid: "search-uid", controller: true }] }, spec: { selector: { matchLabels: {} } } },
        pod("postgres-exporter-5f6d7-qwert", { app: "postgres-exporter" }, { ip: "10.0.0.9", containers: ["postgres-exporter"] }),
        pod("redis-0", { app: "redis" }, { ip: "10.0.0.11", containers: ["redis", "redis-exporter"] }),
        { kind: "Deployment", metadata: { name: "billing-worker", namespace: ns } },
        { kind: "Deployment", metadata: { name: "billing-consumer", namespace: ns } },
        { kind: "Service", metadata: { name: "payments", namespace: ns }, spec: { selector: { app: "payments" }, ports: [{ port: 8443 }] } },
        pod("payments-0", { app: "payments" }, { phase: "Pending" }),
      ],
    });
    kube = createKubernetesProvider({ kubeconfigPath: writeKubeconfig(fake.url), timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await fake?.stop();
  });

  const resolve = (labels: Record<string, string>, t: Target, options: { noKubernetes?: boolean } = {}) => {
    const rec = recorder({ timeoutMs: 5_000, log, now: () => new Date() });
    return resolveWorkload({ ctx: { kube: options.noKubernetes ? undefined : kube, call: rec.call }, input: { alert: alertOf(labels), target: t } }).then((r) => ({ ...r, queries: rec.sorted() }));
  };

  it("follows a selector-less Service's EndpointSlices to its pods", async () => {
    const r = await resolve({ alertname: "Http5xxRateHigh", namespace: ns, service: "legacy" }, target({ name: "legacy", service: "legacy" }));
    expect(r.resolution).toMatchObject({ status: "resolved", strategy: "service", pods: ["legacy-vm-0"] });
    expect(r.resolution?.via[0]).toContain("has no selector; its EndpointSlices name 1 pod(s)");
    expect(r.focus?.name).toBe("legacy-vm-0");
  });

  it("without a Service, finds pods by app.kubernetes.io/name and their Deployment", async () => {
    const r = await resolve({ alertname: "APILatencyHigh", namespace: ns, job: `${ns}/search` }, target({ type: "cluster", name: `${ns}/search`, job: `${ns}/search` }));
    expect(r.resolution).toMatchObject({ status: "resolved", workload: { kind: "Deployment", name: "search" } });
    expect(r.target.workload).toEqual({ kind: "Deployment", name: "search" });
  });

  it("never sends a label value that is no Kubernetes name to the API", async () => {
    const before = fake.requests.length;
    const r = await resolve({ alertname: "Http5xxRateHigh", namespace: ns, service: "../kube-system;rm" }, target({ service: "../kube-system;rm" }));
    expect(r.resolution).toMatchObject({ status: "unresolved" });
    expect(r.resolution?.reason).toMatch(/not a valid Service name; not looked up/);
    expect(fake.requests.slice(before)).toEqual([]);
  });

  it("an exporter's instance that is its own pod is not the subject; a sidecar's pod is", async () => {
    const standalone = await resolve({ alertname: "PostgresqlDown", namespace: ns, job: "postgres-exporter", instance: "10.0.0.9:9187" }, target({ type: "cluster", job: "postgres-exporter" }));
    expect(standalone.resolution).toMatchObject({ status: "unresolved", strategy: "exporter" });
    expect(standalone.resolution?.reason).toContain("exporter's own pod postgres-exporter-5f6d7-qwert");
    const sidecar = await resolve({ alertname: "RedisDown", namespace: ns, job: "redis-exporter", instance: "10.0.0.11:9121" }, target({ type: "cluster", job: "redis-exporter" }));
    expect(sidecar.resolution).toMatchObject({ status: "resolved", pods: ["redis-0"] });
    expect(sidecar.target).toMatchObject({ type: "pod", pod: "redis-0" });
  });

  it("does not guess between two workloads that fit a queue equally", async () => {
    const r = await resolve({ alertname: "KafkaConsumerLag", namespace: ns, consumergroup: "billing" }, target({ type: "cluster" }));
    expect(r.resolution).toMatchObject({ status: "unresolved", strategy: "queue" });
    expect(r.resolution?.reason).toContain("both look like consumers of billing");
  });

  it("the provider refuses a pod IP that is not an IP address", async () => {
    const before = fake.requests.length;
    await expect(kube.listPodsByIp("10.0.0.1,status.phase=Running")).rejects.toThrow(/is not an IP address; not looked up/);
    expect(fake.requests.length).toBe(before);
  });

  it("without Kubernetes access says so, and makes no call", async () => {
    const r = await resolve({ alertname: "Http5xxRateHigh", namespace: ns, service: "legacy" }, target({ service: "legacy" }), { noKubernetes: true });
    expect(r.kubernetesUnavailable).toMatch(/no Kubernetes access configured/);
    expect(r.queries).toEqual([]);
  });

  it("resolves an upstream named in a log line to its Service and the pod that keeps it down", async () => {
    const rec = recorder({ timeoutMs: 5_000, log, now: () => new Date() });
    const deps = await checkDependencies({
      ctx: { kube, metrics: undefined, call: rec.call },
      input: {
        target: target({ service: "checkout" }),
        matches: [{ patternId: "connection_refused", category: "dependency_unavailable", title: "connection refused", count: 3, sample: "dial tcp payments:8443: connect: connection refused", detail: "payments:8443" }],
        start: new Date(Date.now() - 3_600_000),
        end: new Date(),
        stepSeconds: 15,
      },
    });
    expect(deps).toEqual([expect.objectContaining({ service: "payments", namespace: ns, readyEndpoints: 0, healthy: false })]);
    expect(deps[0]?.summary).toBe(`Service ${ns}/payments has 0 ready endpoint(s) (payments-0 is Pending)`);
  });
});
