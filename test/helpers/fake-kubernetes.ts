import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { listenOnLoopback } from "./listen";

/**
 * A read-only fake of the Kubernetes API server over plain HTTP on loopback. It answers the GET paths
 * the typed @kubernetes/client-node APIs use (get/list for core, apps, batch, discovery.k8s.io/v1 and autoscaling/v2 resources,
 * persistent volumes and their claims, resource quotas, pod logs)
 * with real-shaped objects, and `Status` objects for errors. Every non-GET request is refused with 405
 * and counted, so tests can assert that nothing tried to mutate the cluster.
 */

export type KubeObject = {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** Log text of one container; `previous: true` is the log of its last terminated instance. */
export type FakePodLog = { namespace: string; pod: string; container: string; previous?: boolean; lines: string[] };

export type FakeKubernetesOptions = {
  objects: KubeObject[];
  logs?: FakePodLog[];
  /** Delay before every answer, to exercise client timeouts. */
  delayMs?: number;
};

export type FakeKubernetes = {
  url: string;
  /** Every request seen, in order. */
  requests: Array<{ method: string; path: string }>;
  /** How many non-GET requests arrived (all refused with 405). */
  readonly mutationAttempts: number;
  /** Adds or replaces an object (matched by kind, namespace and name). */
  upsert(object: KubeObject): void;
  /** While set, every request is answered with this HTTP status and a Status body. */
  setFailure(status: number | null): void;
  stop(): Promise<void>;
};

type Resource = { kind: string; plural: string; prefix: string; namespaced: boolean; fields: string[] };

const metadataFields = ["metadata.name", "metadata.namespace"];
const resources: Resource[] = [
  { kind: "Pod", plural: "pods", prefix: "/api/v1", namespaced: true, fields: [...metadataFields, "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"] },
  { kind: "Event", plural: "events", prefix: "/api/v1", namespaced: true, fields: [...metadataFields, "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"] },
  { kind: "Node", plural: "nodes", prefix: "/api/v1", namespaced: false, fields: ["metadata.name", "spec.unschedulable"] },
  { kind: "ReplicaSet", plural: "replicasets", prefix: "/apis/apps/v1", namespaced: true, fields: [...metadataFields, "status.replicas"] },
  { kind: "Deployment", plural: "deployments", prefix: "/apis/apps/v1", namespaced: true, fields: metadataFields },
  { kind: "StatefulSet", plural: "statefulsets", prefix: "/apis/apps/v1", namespaced: true, fields: [...metadataFields, "status.successful"] },
  { kind: "DaemonSet", plural: "daemonsets", prefix: "/apis/apps/v1", namespaced: true, fields: metadataFields },
  { kind: "Job", plural: "jobs", prefix: "/apis/batch/v1", namespaced: true, fields: [...metadataFields, "status.successful"] },
  { kind: "CronJob", plural: "cronjobs", prefix: "/apis/batch/v1", namespaced: true, fields: metadataFields },
  { kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", prefix: "/apis/autoscaling/v2", namespaced: true, fields: metadataFields },
  { kind: "ResourceQuota", plural: "resourcequotas", prefix: "/api/v1", namespaced: true, fields: metadataFields },
  { kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", prefix: "/api/v1", namespaced: true, fields: metadataFields },
  { kind: "PersistentVolume", plural: "persistentvolumes", prefix: "/api/v1", namespaced: false, fields: metadataFields },
  { kind: "Service", plural: "services", prefix: "/api/v1", namespaced: true, fields: [...metadataFields, "spec.clusterIP", "spec.type"] },
  { kind: "EndpointSlice", plural: "endpointslices", prefix: "/apis/discovery.k8s.io/v1", namespaced: true, fields: metadataFields },
];

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; kind?: string },
  ) {
    super(message);
  }
}

function statusBody(e: ApiError) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: e.message,
    reason: e.reason,
    ...(e.details ? { details: e.details } : {}),
    code: e.code,
  };
}

/** Kubernetes label selectors: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-joined. */
export function parseLabelSelector(selector: string): (labels: Record<string, string>) => boolean {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  const tests = terms
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term): ((l: Record<string, string>) => boolean) => {
      let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
      if (m) {
        const [, key, op, list] = m as unknown as [string, string, string, string];
        const values = list.split(",").map((v) => v.trim());
        return op === "in" ? (l) => key in l && values.includes(l[key]!) : (l) => !(key in l) || !values.includes(l[key]!);
      }
      m = /^([\w./-]+)\s*(==|!=|=)\s*([\w./-]*)$/.exec(term);
      if (m) {
        const [, key, op, value] = m as unknown as [string, string, string, string];
        return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
      }
      m = /^(!?)([\w./-]+)$/.exec(term);
      if (m) {
        const [, not, key] = m as unknown as [string, string, string];
        return not ? (l) => !(key in l) : (l) => key in l;
      }
      throw new ApiError(400, "BadRequest", `unable to parse requirement: ${JSON.stringify(term)}`);
    });
  return (labels) => tests.every((t) => t(labels));
}

function fieldValue(object: unknown, dotted: string): string {
  let v: unknown = object;
  for (const part of dotted.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return v === undefined || v === null ? "" : String(v);
}

function parseFieldSelector(selector: string, resource: Resource): (o: KubeObject) => boolean {
  const tests = selector
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^([\w.]+)\s*(==|!=|=)\s*(.*)$/.exec(term);
      if (!m) throw new ApiError(400, "BadRequest", `invalid selector: '${selector}'; can't understand '${term}'`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      if (!resource.fields.includes(field)) {
        throw new ApiError(400, "BadRequest", `field label not supported: ${field}`);
      }
      return (o: KubeObject) => (op === "!=" ? fieldValue(o, field) !== value : fieldValue(o, field) === value);
    });
  return (o) => tests.every((t) => t(o));
}

/** Writes a kubeconfig for the fake; plain http still needs insecure-skip-tls-verify with client-node. */
export function writeKubeconfig(url: string, namespace = "default"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-kube-"));
  const file = path.join(dir, "kubeconfig");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "fake", cluster: { server: url, "insecure-skip-tls-verify": true } }],
    users: [{ name: "anon", user: {} }],
    contexts: [{ name: "fake", context: { cluster: "fake", user: "anon", namespace } }],
    "current-context": "fake",
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export async function startFakeKubernetes(options: FakeKubernetesOptions): Promise<FakeKubernetes> {
  const store: KubeObject[] = [];
  const requests: Array<{ method: string; path: string }> = [];
  let mutationAttempts = 0;
  let failure: number | null = null;

  function normalise(object: KubeObject): KubeObject {
    const resource = resources.find((r) => r.kind === object.kind);
    if (!resource) throw new Error(`fake-kubernetes does not serve kind ${object.kind}`);
    return {
      ...object,
      apiVersion: object.apiVersion ?? resource.prefix.replace(/^\/apis?\//, ""),
      metadata: {
        uid: randomUUID(),
        creationTimestamp: new Date().toISOString(),
        resourceVersion: "1",
        ...(resource.namespaced ? { namespace: "default" } : {}),
        ...object.metadata,
      },
    };
  }

  function upsert(object: KubeObject): void {
    const o = normalise(object);
    const i = store.findIndex(
      (s) => s.kind === o.kind && s.metadata.name === o.metadata.name && s.metadata.namespace === o.metadata.namespace,
    );
    if (i >= 0) store[i] = o;
    else store.push(o);
  }
  options.objects.forEach(upsert);

  function podLog(namespace: string, name: string, query: URLSearchParams): string {
    const pod = store.find((o) => o.kind === "Pod" && o.metadata.namespace === namespace && o.metadata.name === name);
    if (!pod) throw new ApiError(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" });
    const spec = pod.spec as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }> } | undefined;
    const names = (spec?.containers ?? []).map((c) => c.name);
    const allNames = [...names, ...(spec?.initContainers ?? []).map((c) => c.name)];
    let container = query.get("container") ?? "";
    if (!container) {
      if (names.length !== 1) {
        throw new ApiError(400, "BadRequest", `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`);
      }
      container = names[0]!;
    }
    if (!allNames.includes(container)) {
      throw new ApiError(400, "BadRequest", `container ${container} is not valid for pod ${name}`);
    }
    const previous = query.get("previous") === "true";
    const entry = (options.logs ?? []).find(
      (l) => l.namespace === namespace && l.pod === name && l.container === container && Boolean(l.previous) === previous,
    );
    if (!entry && previous) {
      throw new ApiError(400, "BadRequest", `previous terminated container "${container}" in pod "${name}" not found`);
    }
    let lines = entry?.lines ?? [];
    const tail = query.get("tailLines");
    if (tail !== null) lines = Number(tail) > 0 ? lines.slice(-Number(tail)) : [];
    let text = lines.map((l) => `${l}\n`).join("");
    const limitBytes = query.get("limitBytes");
    if (limitBytes !== null) text = Buffer.from(text).subarray(0, Number(limitBytes)).toString();
    return text;
  }

  function route(method: string, url: URL): { status: number; body: unknown; text?: string } {
    if (failure !== null) throw new ApiError(failure, "InternalError", `fake failure ${failure}`);
    if (method !== "GET") {
      mutationAttempts++;
      throw new ApiError(405, "MethodNotAllowed", `the fake API server is read-only; ${method} is not allowed`);
    }
    for (const resource of resources) {
      if (!url.pathname.startsWith(`${resource.prefix}/`)) continue;
      const rest = url.pathname.slice(resource.prefix.length + 1).split("/").map(decodeURIComponent);
      let namespace: string | undefined;
      if (rest[0] === "namespaces" && rest.length >= 3) {
        if (!resource.namespaced) continue;
        namespace = rest[1];
        rest.splice(0, 2);
      }
      if (rest[0] !== resource.plural) continue;
      const name = rest[1];
      const sub = rest[2];
      if (name === undefined) {
        const labelTest = parseLabelSelector(url.searchParams.get("labelSelector") ?? "");
        const fieldTest = parseFieldSelector(url.searchParams.get("fieldSelector") ?? "", resource);
        const items = store.filter(
          (o) =>
            o.kind === resource.kind &&
            (namespace === undefined || o.metadata.namespace === namespace) &&
            labelTest(o.metadata.labels ?? {}) &&
            fieldTest(o),
        );
        return {
          status: 200,
          body: { apiVersion: items[0]?.apiVersion ?? "v1", kind: `${resource.kind}List`, metadata: { resourceVersion: "1" }, items },
        };
      }
      if (sub === "log" && resource.kind === "Pod" && namespace) {
        return { status: 200, body: null, text: podLog(namespace, name, url.searchParams) };
      }
      if (sub !== undefined) break;
      const found = store.find(
        (o) => o.kind === resource.kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
      );
      if (!found) {
        const group = resource.prefix.startsWith("/apis/") ? `.${resource.prefix.split("/")[2]}` : "";
        throw new ApiError(404, "NotFound", `${resource.plural}${group} "${name}" not found`, { name, kind: resource.plural });
      }
      return { status: 200, body: found };
    }
    throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push({ method: req.method ?? "GET", path: `${url.pathname}${url.search}` });
    req.resume();
    req.on("end", () => {
      const answer = () => {
        try {
          const { status, body, text } = route(req.method ?? "GET", url);
          if (text !== undefined) res.writeHead(status, { "content-type": "text/plain" }).end(text);
          else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        } catch (e) {
          const err = e instanceof ApiError ? e : new ApiError(500, "InternalError", String(e));
          res.writeHead(err.code, { "content-type": "application/json" }).end(JSON.stringify(statusBody(err)));
        }
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  const { url, close } = await listenOnLoopback(server);

  return {
    url,
    requests,
    get mutationAttempts() {
      return mutationAttempts;
    },
    upsert,
    setFailure(status) {
      failure = status;
    },
    stop: close,
  };
}
