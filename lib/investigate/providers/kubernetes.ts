import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  Observable,
  type ConfigurationOptions,
  type V1Container,
  type V1ContainerStatus,
  type CoreV1Event,
  type V1LabelSelector,
  type V1ObjectMeta,
  type V1OwnerReference,
  type V1Pod,
  type V1PodTemplateSpec,
  type V2MetricSpec,
  type V2MetricStatus,
} from "@kubernetes/client-node";
import type { WorkloadRef } from "@/lib/alerts/identity";
import { ServiceError, errorMessage } from "@/lib/errors";
import { assertKubernetesNames, isEventReason, isIpAddress, isLabelSelector } from "../kubernetes-names";
import type {
  ContainerState,
  CronJobFacts,
  EndpointFacts,
  HorizontalPodAutoscalerFacts,
  KubeEvent,
  KubernetesProvider,
  NodeFacts,
  PersistentVolumeClaimFacts,
  PersistentVolumeFacts,
  PodFacts,
  ResourceQuotaFacts,
  ServiceFacts,
  WorkloadStatus,
  WorkloadSummary,
} from "./types";

export type CreateKubernetesProviderOptions = {
  /** Path to a kubeconfig file; when unset and not in-cluster, the client's default lookup ($KUBECONFIG, ~/.kube/config). */
  kubeconfigPath?: string;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST + /var/run/secrets/kubernetes.io/serviceaccount). */
  inCluster?: boolean;
  timeoutMs: number;
};

const MAX_LOG_LINE = 2_000;
const DEFAULT_TAIL_LINES = 200;
const MAX_LOG_BYTES = 1024 * 1024;

type Condition = { type: string; status: string; reason?: string; message?: string };

function iso(value: Date | string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

function conditions(list: Array<Condition> | undefined): Condition[] {
  return (list ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  }));
}

function controllerOf(meta: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  const refs = meta?.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? refs[0];
}

function containerState(spec: V1Container, status: V1ContainerStatus | undefined): ContainerState {
  const state = status?.state;
  const lastTerminated = status?.lastState?.terminated ?? state?.terminated;
  const resources = spec.resources ?? {};
  return {
    name: spec.name,
    image: status?.image ?? spec.image ?? "",
    ready: status?.ready ?? false,
    restartCount: status?.restartCount ?? 0,
    state: state?.running ? "running" : state?.waiting ? "waiting" : state?.terminated ? "terminated" : "unknown",
    ...(state?.waiting?.reason ? { waitingReason: state.waiting.reason } : {}),
    ...(state?.waiting?.message ? { waitingMessage: state.waiting.message } : {}),
    ...(lastTerminated?.reason ? { lastTerminatedReason: lastTerminated.reason } : {}),
    ...(lastTerminated ? { lastTerminatedExitCode: lastTerminated.exitCode } : {}),
    ...(lastTerminated?.finishedAt ? { lastTerminatedAt: iso(lastTerminated.finishedAt) } : {}),
    requests: pickCpuMemory(resources.requests),
    limits: pickCpuMemory(resources.limits),
  };
}

function pickCpuMemory(quantities: Record<string, string> | undefined): { cpu?: string; memory?: string } {
  return {
    ...(quantities?.cpu !== undefined ? { cpu: String(quantities.cpu) } : {}),
    ...(quantities?.memory !== undefined ? { memory: String(quantities.memory) } : {}),
  };
}

function podFacts(pod: V1Pod): PodFacts {
  const statuses = pod.status?.containerStatuses ?? [];
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  const owner = controllerOf(pod.metadata);
  return {
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(pod.status?.reason ? { reason: pod.status.reason } : {}),
    ...(pod.metadata?.deletionTimestamp ? { deletionTimestamp: iso(pod.metadata.deletionTimestamp) } : {}),
    ...(pod.status?.startTime ? { startTime: iso(pod.status.startTime) } : {}),
    conditions: conditions(pod.status?.conditions),
    containers: (pod.spec?.containers ?? []).map((c) => containerState(c, statuses.find((s) => s.name === c.name))),
    initContainers: (pod.spec?.initContainers ?? []).map((c) => containerState(c, initStatuses.find((s) => s.name === c.name))),
    owner: owner ? { kind: owner.kind, name: owner.name } : null,
    labels: pod.metadata?.labels ?? {},
  };
}

function templateImages(template: V1PodTemplateSpec | undefined): string[] {
  return (template?.spec?.containers ?? []).map((c) => c.image ?? "").filter(Boolean);
}

/** A label selector object in the `a=b,c in (d)` string form the list calls take. */
function selectorString(selector: V1LabelSelector | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(",");
    if (e.operator === "In") terms.push(`${e.key} in (${values})`);
    else if (e.operator === "NotIn") terms.push(`${e.key} notin (${values})`);
    else if (e.operator === "Exists") terms.push(e.key);
    else if (e.operator === "DoesNotExist") terms.push(`!${e.key}`);
  }
  return terms.join(",");
}

function eventFacts(ev: CoreV1Event): KubeEvent {
  const last = iso(ev.lastTimestamp) ?? iso(ev.series?.lastObservedTime) ?? iso(ev.eventTime) ?? iso(ev.metadata?.creationTimestamp);
  return {
    type: ev.type ?? "Normal",
    reason: ev.reason ?? "",
    message: ev.message ?? "",
    count: ev.count ?? ev.series?.count ?? 1,
    ...(last ? { lastTimestamp: last } : {}),
    involvedObject: { kind: ev.involvedObject.kind ?? "", name: ev.involvedObject.name ?? "" },
  };
}

function newestFirst(events: KubeEvent[]): KubeEvent[] {
  return events.sort((a, b) => (b.lastTimestamp ?? "").localeCompare(a.lastTimestamp ?? ""));
}

function strings(record: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]));
}

/** An HPA metric's name (`cpu`, `requests_per_second`…) and its value or target in the API's own words. */
function metricName(m: V2MetricSpec | V2MetricStatus): string {
  return m.resource?.name ?? m.containerResource?.name ?? m.pods?.metric.name ?? m.object?.metric.name ?? m.external?.metric.name ?? m.type;
}

function metricValue(v: { averageUtilization?: number; averageValue?: string | number; value?: string | number } | undefined): string | null {
  if (!v) return null;
  if (v.averageUtilization !== undefined) return `${v.averageUtilization}%`;
  if (v.averageValue !== undefined) return String(v.averageValue);
  return v.value === undefined ? null : String(v.value);
}

function metricTarget(m: V2MetricSpec) {
  return m.resource?.target ?? m.containerResource?.target ?? m.pods?.target ?? m.object?.target ?? m.external?.target;
}

function metricCurrent(m: V2MetricStatus) {
  return m.resource?.current ?? m.containerResource?.current ?? m.pods?.current ?? m.object?.current ?? m.external?.current;
}

function apiMessage(e: ApiException<unknown>): string {
  let body: unknown = e.body;
  if (typeof e.body === "string") {
    try {
      body = JSON.parse(e.body);
    } catch {
      return `HTTP ${e.code}: ${e.body.slice(0, 300)}`;
    }
  }
  const message = body && typeof body === "object" && "message" in body ? String((body as { message: unknown }).message) : "";
  return message ? `HTTP ${e.code}: ${message}` : `HTTP ${e.code}`;
}

function loadConfig(options: CreateKubernetesProviderOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.inCluster) kc.loadFromCluster();
    else if (options.kubeconfigPath) kc.loadFromFile(options.kubeconfigPath);
    else kc.loadFromDefault();
  } catch (e) {
    const source = options.inCluster ? "the in-cluster service account" : `kubeconfig ${options.kubeconfigPath ?? "(default)"}`;
    throw new ServiceError("invalid_input", `cannot load Kubernetes credentials from ${source}: ${errorMessage(e)}`, { cause: e });
  }
  // loadFromCluster() does not check its inputs; outside a pod it yields https://undefined:undefined.
  if (options.inCluster && kc.getCurrentCluster()?.server.includes("undefined")) {
    throw new ServiceError("invalid_input", "in-cluster Kubernetes access requested, but KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  if (!kc.getCurrentCluster()) {
    throw new ServiceError("invalid_input", `kubeconfig ${options.kubeconfigPath ?? "(default)"} has no current cluster`);
  }
  return kc;
}

/**
 * Read-only Kubernetes evidence. Only get/list/log calls exist here: the agent never mutates a
 * cluster. 404 answers become null (or [] for lists); anything else throws ServiceError("unavailable").
 */
export function createKubernetesProvider(options: CreateKubernetesProviderOptions): KubernetesProvider {
  const kc = loadConfig(options);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);

  /** Runs one API call under the timeout; `notFound` is what a 404 (and "nothing to read" 400s) turns into. */
  async function call<T, F>(what: string, run: (o: ConfigurationOptions) => Promise<T>, notFound: F): Promise<T | F> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const perCall: ConfigurationOptions = {
      middleware: [
        {
          pre: (ctx) => {
            ctx.setSignal(signal);
            return new Observable(Promise.resolve(ctx));
          },
          post: (ctx) => new Observable(Promise.resolve(ctx)),
        },
      ],
      middlewareMergeStrategy: "append",
    };
    try {
      return await run(perCall);
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return notFound;
      if (signal.aborted) {
        throw new ServiceError("unavailable", `Kubernetes ${what} timed out after ${options.timeoutMs} ms`, {
          details: { provider: "kubernetes", query: what, reason: "timeout" },
          cause: e,
        });
      }
      const message = e instanceof ApiException ? apiMessage(e) : errorMessage(e);
      throw new ServiceError("unavailable", `Kubernetes ${what} failed: ${message}`, {
        details: { provider: "kubernetes", query: what, reason: e instanceof ApiException ? "http" : "network", ...(e instanceof ApiException ? { status: e.code } : {}) },
        cause: e,
      });
    }
  }

  async function deploymentRevisions(namespace: string, uid: string | undefined, name: string, selector: V1LabelSelector | undefined) {
    const list = await call(
      `GET replicasets/${namespace}?labelSelector=${selectorString(selector)}`,
      (o) => apps.listNamespacedReplicaSet({ namespace, labelSelector: selectorString(selector) }, o),
      null,
    );
    return (list?.items ?? [])
      .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((r) => r.kind === "Deployment" && (uid ? r.uid === uid : r.name === name)))
      .map((rs) => ({
        revision: rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? "",
        createdAt: iso(rs.metadata?.creationTimestamp) ?? "",
        images: templateImages(rs.spec?.template),
        replicaSet: rs.metadata?.name ?? "",
      }))
      .sort((a, b) => Number(b.revision) - Number(a.revision) || b.createdAt.localeCompare(a.createdAt));
  }

  const provider: KubernetesProvider = {
    async getPod(namespace, name) {
      assertKubernetesNames({ namespace, pod: name });
      const pod = await call(`GET pods/${namespace}/${name}`, (o) => core.readNamespacedPod({ namespace, name }, o), null);
      return pod ? podFacts(pod) : null;
    },

    async listPods(namespace, labelSelector) {
      assertKubernetesNames({ namespace });
      if (!isLabelSelector(labelSelector)) throw new ServiceError("invalid_input", `label selector ${JSON.stringify(labelSelector.slice(0, 100))} is not label selector syntax`);
      const list = await call(
        `GET pods/${namespace}?labelSelector=${labelSelector}`,
        (o) => core.listNamespacedPod({ namespace, labelSelector }, o),
        null,
      );
      return (list?.items ?? []).map(podFacts);
    },

    async listEvents(namespace, involvedName) {
      assertKubernetesNames({ namespace, object: involvedName });
      const fieldSelector = `involvedObject.name=${involvedName}`;
      const list = await call(
        `GET events/${namespace}?fieldSelector=${fieldSelector}`,
        (o) => core.listNamespacedEvent({ namespace, fieldSelector }, o),
        null,
      );
      return newestFirst((list?.items ?? []).map(eventFacts));
    },

    async resolveOwnerWorkload(namespace, podName): Promise<WorkloadRef | null> {
      assertKubernetesNames({ namespace, pod: podName });
      const pod = await call(`GET pods/${namespace}/${podName}`, (o) => core.readNamespacedPod({ namespace, name: podName }, o), null);
      const owner = controllerOf(pod?.metadata);
      if (!owner) return null;
      if (owner.kind === "ReplicaSet") {
        const rs = await call(
          `GET replicasets/${namespace}/${owner.name}`,
          (o) => apps.readNamespacedReplicaSet({ namespace, name: owner.name }, o),
          null,
        );
        const parent = controllerOf(rs?.metadata);
        if (parent?.kind === "Deployment") return { kind: "Deployment", name: parent.name, namespace };
      }
      // Job → CronJob is not followed: the Job is the unit that failed and that reports talk about.
      return { kind: owner.kind, name: owner.name, namespace };
    },

    async getWorkload(namespace, kind, name): Promise<WorkloadStatus | null> {
      assertKubernetesNames({ namespace, [kind]: name });
      const base = { kind, namespace, name };
      const what = `GET ${kind.toLowerCase()}s/${namespace}/${name}`;
      switch (kind) {
        case "Deployment": {
          const d = await call(what, (o) => apps.readNamespacedDeployment({ namespace, name }, o), null);
          if (!d) return null;
          return {
            ...base,
            desired: d.spec?.replicas ?? 1,
            ready: d.status?.readyReplicas ?? 0,
            updated: d.status?.updatedReplicas ?? 0,
            available: d.status?.availableReplicas ?? 0,
            generation: d.metadata?.generation,
            observedGeneration: d.status?.observedGeneration,
            conditions: conditions(d.status?.conditions),
            images: templateImages(d.spec?.template),
            revisions: await deploymentRevisions(namespace, d.metadata?.uid, name, d.spec?.selector),
          };
        }
        case "StatefulSet": {
          const s = await call(what, (o) => apps.readNamespacedStatefulSet({ namespace, name }, o), null);
          if (!s) return null;
          return {
            ...base,
            desired: s.spec?.replicas ?? 1,
            ready: s.status?.readyReplicas ?? 0,
            updated: s.status?.updatedReplicas ?? 0,
            available: s.status?.availableReplicas ?? 0,
            generation: s.metadata?.generation,
            observedGeneration: s.status?.observedGeneration,
            conditions: conditions(s.status?.conditions),
            images: templateImages(s.spec?.template),
            revisions: [],
          };
        }
        case "DaemonSet": {
          const ds = await call(what, (o) => apps.readNamespacedDaemonSet({ namespace, name }, o), null);
          if (!ds) return null;
          return {
            ...base,
            desired: ds.status?.desiredNumberScheduled ?? 0,
            ready: ds.status?.numberReady ?? 0,
            updated: ds.status?.updatedNumberScheduled ?? 0,
            available: ds.status?.numberAvailable ?? 0,
            generation: ds.metadata?.generation,
            observedGeneration: ds.status?.observedGeneration,
            conditions: conditions(ds.status?.conditions),
            images: templateImages(ds.spec?.template),
            revisions: [],
          };
        }
        case "ReplicaSet": {
          const rs = await call(what, (o) => apps.readNamespacedReplicaSet({ namespace, name }, o), null);
          if (!rs) return null;
          return {
            ...base,
            desired: rs.spec?.replicas ?? 1,
            ready: rs.status?.readyReplicas ?? 0,
            updated: rs.status?.replicas ?? 0,
            available: rs.status?.availableReplicas ?? 0,
            generation: rs.metadata?.generation,
            observedGeneration: rs.status?.observedGeneration,
            conditions: conditions(rs.status?.conditions),
            images: templateImages(rs.spec?.template),
            revisions: [],
          };
        }
        case "Job": {
          const j = await call(what, (o) => batch.readNamespacedJob({ namespace, name }, o), null);
          if (!j) return null;
          const succeeded = j.status?.succeeded ?? 0;
          const owner = controllerOf(j.metadata);
          return {
            ...base,
            desired: j.spec?.completions ?? 1,
            ready: j.status?.ready ?? 0,
            // A Job has no rollout; "updated" and "available" count completed pods so the numbers stay meaningful.
            updated: succeeded,
            available: succeeded,
            generation: j.metadata?.generation,
            conditions: conditions(j.status?.conditions),
            images: templateImages(j.spec?.template),
            revisions: [],
            job: {
              succeeded,
              failed: j.status?.failed ?? 0,
              active: j.status?.active ?? 0,
              ...(j.status?.completionTime ? { completionTime: iso(j.status.completionTime) } : {}),
              ...(j.status?.startTime ? { startTime: iso(j.status.startTime) } : {}),
              ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}),
            },
          };
        }
      }
    },

    async getPodLogs(namespace, pod, { container, previous, tailLines }) {
      assertKubernetesNames({ namespace, pod, container });
      let name = container;
      if (!name) {
        // The API refuses a log request without a container for multi-container pods.
        const p = await call(`GET pods/${namespace}/${pod}`, (o) => core.readNamespacedPod({ namespace, name: pod }, o), null);
        if (!p) return [];
        name = p.spec?.containers?.[0]?.name;
      }
      const tail = tailLines ?? DEFAULT_TAIL_LINES;
      const what = `GET pods/${namespace}/${pod}/log?container=${name ?? ""}${previous ? "&previous=true" : ""}&tailLines=${tail}`;
      let text: string | null;
      try {
        text = await call(
          what,
          (o) =>
            core.readNamespacedPodLog({ namespace, name: pod, container: name, previous: previous ?? false, tailLines: tail, limitBytes: MAX_LOG_BYTES }, o),
          null,
        );
      } catch (e) {
        // "previous terminated container … not found" is the API saying there is nothing to read.
        if (e instanceof ServiceError && /HTTP 400: .*not found/.test(e.message)) return [];
        throw e;
      }
      if (!text) return [];
      const lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      return lines.map((l) => (l.length > MAX_LOG_LINE ? `${l.slice(0, MAX_LOG_LINE)}…` : l));
    },

    async getNode(name): Promise<NodeFacts | null> {
      assertKubernetesNames({ node: name });
      const node = await call(`GET nodes/${name}`, (o) => core.readNode({ name }, o), null);
      if (!node) return null;
      return {
        name,
        conditions: conditions(node.status?.conditions),
        unschedulable: node.spec?.unschedulable ?? false,
        allocatable: Object.fromEntries(Object.entries(node.status?.allocatable ?? {}).map(([k, v]) => [k, String(v)])),
      };
    },

    async getHorizontalPodAutoscaler(namespace, name): Promise<HorizontalPodAutoscalerFacts | null> {
      assertKubernetesNames({ namespace, horizontalpodautoscaler: name });
      const h = await call(
        `GET horizontalpodautoscalers/${namespace}/${name}`,
        (o) => autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace, name }, o),
        null,
      );
      if (!h) return null;
      const current = h.status?.currentMetrics ?? [];
      return {
        namespace,
        name,
        scaleTarget: { kind: h.spec?.scaleTargetRef.kind ?? "", name: h.spec?.scaleTargetRef.name ?? "" },
        minReplicas: h.spec?.minReplicas ?? 1,
        maxReplicas: h.spec?.maxReplicas ?? 0,
        currentReplicas: h.status?.currentReplicas ?? 0,
        desiredReplicas: h.status?.desiredReplicas ?? 0,
        metrics: (h.spec?.metrics ?? []).map((m) => {
          const name = metricName(m);
          const now = current.find((c) => c.type === m.type && metricName(c) === name);
          return { name, current: metricValue(now ? metricCurrent(now) : undefined), target: metricValue(metricTarget(m)) };
        }),
        conditions: conditions(h.status?.conditions),
      };
    },

    async listResourceQuotas(namespace): Promise<ResourceQuotaFacts[]> {
      assertKubernetesNames({ namespace });
      const list = await call(`GET resourcequotas/${namespace}`, (o) => core.listNamespacedResourceQuota({ namespace }, o), null);
      return (list?.items ?? []).map((q) => ({
        namespace,
        name: q.metadata?.name ?? "",
        hard: strings(q.status?.hard ?? q.spec?.hard),
        used: strings(q.status?.used),
      }));
    },

    async getPersistentVolumeClaim(namespace, name): Promise<PersistentVolumeClaimFacts | null> {
      assertKubernetesNames({ namespace, persistentvolumeclaim: name });
      const c = await call(`GET persistentvolumeclaims/${namespace}/${name}`, (o) => core.readNamespacedPersistentVolumeClaim({ namespace, name }, o), null);
      if (!c) return null;
      const requested = c.spec?.resources?.requests?.storage;
      const capacity = c.status?.capacity?.storage;
      return {
        namespace,
        name,
        phase: c.status?.phase ?? "Unknown",
        ...(c.spec?.volumeName ? { volumeName: c.spec.volumeName } : {}),
        ...(c.spec?.storageClassName ? { storageClass: c.spec.storageClassName } : {}),
        ...(requested !== undefined ? { requested: String(requested) } : {}),
        ...(capacity !== undefined ? { capacity: String(capacity) } : {}),
      };
    },

    async getPersistentVolume(name): Promise<PersistentVolumeFacts | null> {
      assertKubernetesNames({ persistentvolume: name });
      const v = await call(`GET persistentvolumes/${name}`, (o) => core.readPersistentVolume({ name }, o), null);
      if (!v) return null;
      const claim = v.spec?.claimRef;
      return {
        name,
        phase: v.status?.phase ?? "Unknown",
        ...(v.status?.reason ? { reason: v.status.reason } : {}),
        ...(v.status?.message ? { message: v.status.message } : {}),
        ...(v.spec?.storageClassName ? { storageClass: v.spec.storageClassName } : {}),
        ...(claim?.name ? { claim: { namespace: claim.namespace ?? "", name: claim.name } } : {}),
      };
    },

    async listEventsByReason(namespace, reason) {
      assertKubernetesNames({ namespace });
      if (!isEventReason(reason)) throw new ServiceError("invalid_input", `event reason ${JSON.stringify(reason.slice(0, 100))} is not an event reason`);
      const fieldSelector = `reason=${reason}`;
      const list = await call(
        `GET events/${namespace}?fieldSelector=${fieldSelector}`,
        (o) => core.listNamespacedEvent({ namespace, fieldSelector }, o),
        null,
      );
      return newestFirst((list?.items ?? []).map(eventFacts));
    },

    async getService(namespace, name): Promise<ServiceFacts | null> {
      assertKubernetesNames({ namespace, service: name });
      const svc = await call(`GET services/${namespace}/${name}`, (o) => core.readNamespacedService({ namespace, name }, o), null);
      if (!svc) return null;
      const clusterIP = svc.spec?.clusterIP;
      return {
        namespace,
        name,
        selector: svc.spec?.selector ?? {},
        ...(clusterIP && clusterIP !== "None" ? { clusterIP } : {}),
        ports: (svc.spec?.ports ?? []).map((p) => p.port),
      };
    },

    async listEndpoints(namespace, service): Promise<EndpointFacts[]> {
      assertKubernetesNames({ namespace, service });
      const labelSelector = `kubernetes.io/service-name=${service}`;
      const list = await call(
        `GET endpointslices/${namespace}?labelSelector=${labelSelector}`,
        (o) => discovery.listNamespacedEndpointSlice({ namespace, labelSelector }, o),
        null,
      );
      return (list?.items ?? []).flatMap((slice) =>
        (slice.endpoints ?? []).map((e) => ({
          addresses: e.addresses,
          // The API's rule: an endpoint whose `ready` is unset counts as ready.
          ready: e.conditions?.ready ?? true,
          ...(e.targetRef?.kind === "Pod" && e.targetRef.name ? { pod: e.targetRef.name } : {}),
          ...(e.nodeName ? { node: e.nodeName } : {}),
        })),
      );
    },

    async getCronJob(namespace, name): Promise<CronJobFacts | null> {
      assertKubernetesNames({ namespace, cronjob: name });
      const cj = await call(`GET cronjobs/${namespace}/${name}`, (o) => batch.readNamespacedCronJob({ namespace, name }, o), null);
      if (!cj) return null;
      const uid = cj.metadata?.uid;
      const jobs = await call(`GET jobs/${namespace}`, (o) => batch.listNamespacedJob({ namespace }, o), null);
      const owned = (jobs?.items ?? [])
        .filter((j) => (j.metadata?.ownerReferences ?? []).some((r) => r.kind === "CronJob" && (uid ? r.uid === uid : r.name === name)))
        .map((j) => ({
          name: j.metadata?.name ?? "",
          ...(j.status?.startTime ? { startTime: iso(j.status.startTime) } : {}),
          succeeded: j.status?.succeeded ?? 0,
          failed: j.status?.failed ?? 0,
          images: templateImages(j.spec?.template),
        }))
        .sort((a, b) => (b.startTime ?? "").localeCompare(a.startTime ?? ""));
      return {
        namespace,
        name,
        schedule: cj.spec?.schedule ?? "",
        suspend: cj.spec?.suspend ?? false,
        ...(cj.status?.lastScheduleTime ? { lastScheduleTime: iso(cj.status.lastScheduleTime) } : {}),
        ...(cj.status?.lastSuccessfulTime ? { lastSuccessfulTime: iso(cj.status.lastSuccessfulTime) } : {}),
        images: templateImages(cj.spec?.jobTemplate.spec?.template),
        jobs: owned,
      };
    },

    async listWorkloads(namespace): Promise<WorkloadSummary[]> {
      assertKubernetesNames({ namespace });
      const [deployments, statefulSets] = await Promise.all([
        call(`GET deployments/${namespace}`, (o) => apps.listNamespacedDeployment({ namespace }, o), null),
        call(`GET statefulsets/${namespace}`, (o) => apps.listNamespacedStatefulSet({ namespace }, o), null),
      ]);
      const of = (kind: WorkloadSummary["kind"], items: Array<{ metadata?: V1ObjectMeta }>) =>
        items.map((w) => ({ kind, name: w.metadata?.name ?? "", labels: w.metadata?.labels ?? {} }));
      return [...of("Deployment", deployments?.items ?? []), ...of("StatefulSet", statefulSets?.items ?? [])];
    },

    async listPodsByIp(ip): Promise<PodFacts[]> {
      if (!isIpAddress(ip)) throw new ServiceError("invalid_input", `${JSON.stringify(ip.slice(0, 100))} is not an IP address; not looked up`);
      const fieldSelector = `status.podIP=${ip}`;
      const list = await call(`GET pods?fieldSelector=${fieldSelector}`, (o) => core.listPodForAllNamespaces({ fieldSelector }, o), null);
      return (list?.items ?? []).map(podFacts);
    },
  };
  return provider;
}
