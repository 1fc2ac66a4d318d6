import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { Deployment, StatefulSet, type IDeployment, type IStatefulSet } from "kubernetes-models/apps/v1";
import { Job, type IJob } from "kubernetes-models/batch/v1";
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget, type IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ClusterRole, ClusterRoleBinding, type IClusterRole, type IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { NetworkPolicy, type INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IIoK8sApiCoreV1Container, IIoK8sApiCoreV1PodSpec } from "kubernetes-models/v1";
import { envSchema, loadEnv } from "@/lib/env";
import { workerEntryPoints } from "@/worker/build";
import { K8S_DIR, findObject, manifestFiles, readManifests, readYamlDocuments, type Manifest } from "./tests/read-manifests";

const REPO = path.resolve(K8S_DIR, "..");

type Validatable = { validate(): void };
/** Offline OpenAPI validation: kubernetes-models ships ajv validators generated from the Kubernetes schemas. */
const models: Record<string, (data: object) => Validatable> = {
  "v1/Namespace": (d) => new Namespace(d),
  "v1/ConfigMap": (d) => new ConfigMap(d),
  "v1/Secret": (d) => new Secret(d),
  "v1/Service": (d) => new Service(d),
  "v1/ServiceAccount": (d) => new ServiceAccount(d),
  "apps/v1/Deployment": (d) => new Deployment(d),
  "apps/v1/StatefulSet": (d) => new StatefulSet(d),
  "batch/v1/Job": (d) => new Job(d),
  "autoscaling/v2/HorizontalPodAutoscaler": (d) => new HorizontalPodAutoscaler(d),
  "policy/v1/PodDisruptionBudget": (d) => new PodDisruptionBudget(d),
  "rbac.authorization.k8s.io/v1/ClusterRole": (d) => new ClusterRole(d),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (d) => new ClusterRoleBinding(d as IClusterRoleBinding),
  "networking.k8s.io/v1/NetworkPolicy": (d) => new NetworkPolicy(d),
};

const ajv = new Ajv({ allErrors: true, strict: true });
const duration = { type: "string", pattern: "^([0-9]+(ms|s|m|h|d|w|y))+$" };
const stringMap = { type: "object", additionalProperties: { type: "string" } };
/** The parts of the prometheus-operator PrometheusRule CRD we use, closed so typos fail. */
const validatePrometheusRule = ajv.compile({
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  additionalProperties: false,
  properties: {
    apiVersion: { const: "monitoring.coreos.com/v1" },
    kind: { const: "PrometheusRule" },
    metadata: { type: "object" },
    file: { type: "string" },
    spec: {
      type: "object",
      required: ["groups"],
      additionalProperties: false,
      properties: {
        groups: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            required: ["name", "rules"],
            additionalProperties: false,
            properties: {
              name: { type: "string", minLength: 1 },
              interval: duration,
              rules: {
                type: "array",
                minItems: 1,
                items: {
                  type: "object",
                  required: ["alert", "expr", "labels", "annotations"],
                  additionalProperties: false,
                  properties: {
                    alert: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
                    expr: { type: "string", minLength: 1 },
                    for: duration,
                    labels: { ...stringMap, required: ["severity"], properties: { severity: { type: "string", enum: ["critical", "warning", "info"] } } },
                    annotations: {
                      ...stringMap,
                      required: ["summary", "description", "runbook_url"],
                      properties: { summary: { type: "string" }, description: { type: "string" }, runbook_url: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});
const validateServiceMonitor = ajv.compile({
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  additionalProperties: false,
  properties: {
    apiVersion: { const: "monitoring.coreos.com/v1" },
    kind: { const: "ServiceMonitor" },
    metadata: { type: "object" },
    file: { type: "string" },
    spec: {
      type: "object",
      required: ["selector", "endpoints"],
      additionalProperties: false,
      properties: {
        selector: {
          type: "object",
          additionalProperties: false,
          properties: {
            matchLabels: stringMap,
            matchExpressions: {
              type: "array",
              items: {
                type: "object",
                required: ["key", "operator"],
                additionalProperties: false,
                properties: {
                  key: { type: "string" },
                  operator: { enum: ["In", "NotIn", "Exists", "DoesNotExist"] },
                  values: { type: "array", items: { type: "string" } },
                },
              },
            },
          },
        },
        endpoints: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            required: ["port"],
            additionalProperties: false,
            properties: { port: { type: "string" }, path: { type: "string" }, interval: duration },
          },
        },
      },
    },
  },
});

/** Variables set on Tarka containers that lib/env.ts does not read, each with the reason. */
const RUNTIME_ONLY_VARS: Record<string, string> = {
  HOSTNAME: "bind address of Next.js' standalone server.js (Kubernetes sets it to the pod name)",
};

/** Files under k8s/ that `kubectl apply -k k8s/` deliberately leaves out (see kustomization.yaml). */
const NOT_IN_KUSTOMIZATION = [
  "secret.example.yaml",
  "postgres-dev.yaml",
  "minio-dev.yaml",
  "service-monitor.yaml",
  "prometheus-rules.yaml",
];

const all = (): Manifest[] => manifestFiles().flatMap(readManifests);
const envKeys = new Set(Object.keys(envSchema.shape));

type PodSpecOwner = { file: string; kind: string; name: string; spec: IIoK8sApiCoreV1PodSpec; labels: Record<string, string> };
function podSpecs(): PodSpecOwner[] {
  return all().flatMap((m) => {
    if (m.kind !== "Deployment" && m.kind !== "StatefulSet" && m.kind !== "Job") return [];
    const tpl = (m as unknown as IDeployment | IStatefulSet | IJob).spec!.template;
    return [{ file: m.file, kind: m.kind, name: m.metadata.name, spec: tpl.spec!, labels: tpl.metadata?.labels ?? {} }];
  });
}
function allContainers(spec: IIoK8sApiCoreV1PodSpec): IIoK8sApiCoreV1Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}
const isTarkaImage = (c: IIoK8sApiCoreV1Container) => /^([^/]+\/)*tarka(:|@|$)/.test(c.image ?? "");
const tarkaContainers = () =>
  podSpecs().flatMap((p) => allContainers(p.spec).filter(isTarkaImage).map((c) => ({ owner: p, container: c })));

const configData = () => (findObject("ConfigMap", "tarka-config").data ?? {}) as Record<string, string>;
const secretData = () => (findObject("Secret", "tarka-secrets").stringData ?? {}) as Record<string, string>;

describe("k8s manifests", () => {
  it("parse as YAML, name themselves and live in the tarka namespace", () => {
    const files = manifestFiles();
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const m of all()) {
      expect(m.apiVersion, m.file).toBeTruthy();
      expect(m.kind, m.file).toBeTruthy();
      expect(m.metadata?.name, `${m.file} ${m.kind}`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(m.kind);
      expect(m.metadata.namespace, `${m.file} ${m.kind}/${m.metadata.name}`).toBe(clusterScoped ? undefined : "tarka");
    }
  });

  it("validate offline against the Kubernetes OpenAPI schemas", () => {
    let checked = 0;
    for (const m of all()) {
      if (m.apiVersion === "monitoring.coreos.com/v1") continue;
      const make = models[`${m.apiVersion}/${m.kind}`];
      expect(make, `${m.file}: no schema known for ${m.apiVersion} ${m.kind}`).toBeDefined();
      const { file: _file, ...object } = m;
      expect(() => make(object).validate(), `${m.file} ${m.kind}/${m.metadata.name}`).not.toThrow();
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it("the schema validation rejects a broken object", () => {
    const deployment = structuredClone(findObject("Deployment", "tarka-webhook")) as unknown as IDeployment & { file?: string };
    delete deployment.file;
    (deployment.spec!.template.spec!.containers[0].ports![0] as { containerPort: unknown }).containerPort = "8080";
    expect(() => new Deployment(deployment).validate()).toThrow(/containerPort must be integer/);
  });

  it("PrometheusRule and ServiceMonitor have the CRD shapes the operator expects", () => {
    const rule = findObject("PrometheusRule", "tarka");
    expect(validatePrometheusRule(rule), ajv.errorsText(validatePrometheusRule.errors)).toBe(true);
    const monitor = findObject("ServiceMonitor", "tarka");
    expect(validateServiceMonitor(monitor), ajv.errorsText(validateServiceMonitor.errors)).toBe(true);

    const broken = structuredClone(rule) as unknown as { spec: { groups: { rules: Record<string, unknown>[] }[] } };
    broken.spec.groups[0].rules[0].fro = "5m";
    expect(validatePrometheusRule(broken)).toBe(false);
  });

  it("set only variables that lib/env.ts knows on Tarka containers, ConfigMap and Secret", () => {
    const unknown: string[] = [];
    for (const key of Object.keys(configData())) if (!envKeys.has(key)) unknown.push(`tarka-config ${key}`);
    for (const key of Object.keys(secretData())) if (!envKeys.has(key)) unknown.push(`tarka-secrets ${key}`);
    const containers = tarkaContainers();
    expect(containers.length).toBeGreaterThanOrEqual(4);
    for (const { owner, container } of containers) {
      for (const e of container.env ?? []) {
        if (!envKeys.has(e.name) && !(e.name in RUNTIME_ONLY_VARS)) unknown.push(`${owner.file} ${container.name} ${e.name}`);
      }
      for (const from of container.envFrom ?? []) {
        expect([from.configMapRef?.name, from.secretRef?.name]).toContainEqual(expect.stringMatching(/^tarka-(config|secrets)$/));
      }
    }
    expect(unknown).toEqual([]);
  });

  it("ConfigMap plus the example Secret is a configuration the app accepts", () => {
    const env = loadEnv({ ...configData(), ...secretData() });
    expect(env.NATS_URL).toBe("nats://nats.tarka.svc.cluster.local:4222");
    expect(env.WORKER_PORT).toBe(9464);
    expect(env.JETSTREAM_DLQ_STREAM).toBe("TARKA_DLQ");
  });

  it("secretKeyRefs point at keys the tarka-secrets example has", () => {
    const keys = new Set(Object.keys(secretData()));
    for (const p of podSpecs()) {
      for (const c of allContainers(p.spec)) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(ref.name, `${p.file} ${c.name} ${e.name}`).toBe("tarka-secrets");
          expect(keys.has(ref.key), `${p.file} ${c.name} ${e.name} -> ${ref.key}`).toBe(true);
        }
      }
    }
  });

  it("kustomization lists existing files and everything not deliberately left out", () => {
    const kustomization = readYamlDocuments("kustomization.yaml")[0] as { resources: string[]; namespace: string };
    expect(kustomization.namespace).toBe("tarka");
    for (const r of kustomization.resources) expect(fs.existsSync(path.join(K8S_DIR, r)), r).toBe(true);
    for (const f of NOT_IN_KUSTOMIZATION) expect(fs.existsSync(path.join(K8S_DIR, f)), f).toBe(true);
    const expected = manifestFiles().filter((f) => !NOT_IN_KUSTOMIZATION.includes(f));
    expect([...kustomization.resources].sort()).toEqual(expected);
  });

  it("kubectl kustomize renders the deployable set", () => {
    const out = execFileSync("kubectl", ["kustomize", K8S_DIR], { encoding: "utf8" });
    const rendered = parseAllDocuments(out).map((d) => d.toJS() as Manifest);
    const names = rendered.map((m) => `${m.kind}/${m.metadata.name}`).sort();
    expect(names).toEqual(
      [
        "ClusterRole/tarka-readonly",
        "ClusterRoleBinding/tarka-readonly",
        "ConfigMap/tarka-config",
        "Deployment/tarka-webhook",
        "Deployment/tarka-worker",
        "HorizontalPodAutoscaler/tarka-worker",
        "Namespace/tarka",
        "NetworkPolicy/nats",
        "NetworkPolicy/tarka-webhook",
        "NetworkPolicy/tarka-worker",
        "PodDisruptionBudget/tarka-webhook",
        "PodDisruptionBudget/tarka-worker",
        "Service/nats",
        "Service/tarka-ui",
        "Service/tarka-webhook",
        "Service/tarka-worker",
        "ServiceAccount/tarka",
        "StatefulSet/nats",
      ].sort(),
    );
    const images = rendered.flatMap((m) =>
      m.kind === "Deployment" ? allContainers((m as unknown as IDeployment).spec!.template.spec!).map((c) => c.image) : [],
    );
    expect(new Set(images)).toEqual(new Set(["tarka:0.1.0"]));
  });

  it("keeps the names and ports the guides use", () => {
    const webhook = findObject("Service", "tarka-webhook") as unknown as Service;
    expect(webhook.spec!.ports!.map((p) => p.port)).toEqual([8080]);
    const nats = findObject("Service", "nats") as unknown as Service;
    expect(Object.fromEntries(nats.spec!.ports!.map((p) => [p.name, p.port]))).toEqual({ client: 4222, monitor: 8222 });
    const ui = findObject("Service", "tarka-ui") as unknown as Service;
    expect(ui.spec!.ports!.map((p) => p.port)).toEqual([80]);
    expect(ui.spec!.selector).toEqual(webhook.spec!.selector);
    findObject("ConfigMap", "tarka-config");
    findObject("Secret", "tarka-secrets");
    findObject("StatefulSet", "nats");
    findObject("Deployment", "tarka-worker");
    const workerDeploy = findObject("Deployment", "tarka-worker") as unknown as IDeployment;
    expect(workerDeploy.spec!.replicas).toBe(3);
    expect((findObject("Deployment", "tarka-webhook") as unknown as IDeployment).spec!.replicas).toBe(2);
  });

  it("Service, PDB and NetworkPolicy selectors match pods, and target ports are named container ports", () => {
    const pods = podSpecs();
    const matches = (selector: Record<string, string>) =>
      pods.filter((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v));
    for (const m of all()) {
      if (m.kind === "Service") {
        const svc = m as unknown as Service;
        const targets = matches(svc.spec!.selector ?? {});
        expect(targets.length, `Service ${m.metadata.name} selects no pods`).toBe(1);
        const portNames = allContainers(targets[0].spec).flatMap((c) => (c.ports ?? []).map((p) => p.name));
        for (const p of svc.spec!.ports!) expect(portNames, `Service ${m.metadata.name} port ${p.name}`).toContain(p.targetPort);
      }
      if (m.kind === "PodDisruptionBudget") {
        expect(matches((m as unknown as IPodDisruptionBudget).spec!.selector!.matchLabels!).length, m.metadata.name).toBe(1);
      }
      if (m.kind === "NetworkPolicy") {
        expect(matches((m as unknown as INetworkPolicy).spec!.podSelector.matchLabels!).length, m.metadata.name).toBe(1);
      }
      if (m.kind === "HorizontalPodAutoscaler") {
        const ref = (m as unknown as IHorizontalPodAutoscaler).spec!.scaleTargetRef;
        findObject(ref.kind, ref.name);
      }
    }
  });

  it("ClusterRole is read-only and covers what the evidence collector reads", () => {
    const role = findObject("ClusterRole", "tarka-readonly") as unknown as IClusterRole;
    const verbs = new Set(role.rules!.flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(["get", "list", "watch"]);
    const granted = new Set(role.rules!.flatMap((r) => r.resources!.flatMap((res) => r.apiGroups!.map((g) => `${g}/${res}`))));
    const needed = kubernetesReadsOfTheProvider();
    expect(needed.length).toBeGreaterThan(10);
    for (const need of needed) expect(granted.has(need), need).toBe(true);
    const binding = findObject("ClusterRoleBinding", "tarka-readonly") as unknown as IClusterRoleBinding;
    expect(binding.roleRef.name).toBe("tarka-readonly");
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "tarka", namespace: "tarka" }]);
    for (const p of podSpecs().filter((p) => p.name.startsWith("tarka-"))) expect(p.spec.serviceAccountName, p.name).toBe("tarka");
  });

  it("worker grace period outlasts its drain, and its port matches WORKER_PORT", () => {
    const worker = findObject("Deployment", "tarka-worker") as unknown as IDeployment;
    const spec = worker.spec!.template.spec!;
    const drain = Math.max(loadEnv({}).WORKER_DRAIN_SECONDS, Number(configData().WORKER_DRAIN_SECONDS));
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(drain);
    expect(spec.containers[0].ports).toEqual([{ name: "metrics", containerPort: Number(configData().WORKER_PORT) }]);
    expect(spec.containers[0].readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(spec.containers[0].livenessProbe?.httpGet?.path).toBe("/healthz");
  });

  it("worker caps V8's heap well inside its memory limit, so a leak ends in a heap error, not a silent OOM kill", () => {
    const c = (findObject("Deployment", "tarka-worker") as unknown as IDeployment).spec!.template.spec!.containers[0];
    const capMb = Number(/^--max-old-space-size=(\d+)$/.exec(c.args!.find((a) => a.startsWith("--max-old-space-size=")) ?? "")?.[1]);
    expect(capMb).toBeGreaterThan(0);
    const mib = (q: string | number | undefined) => Number(/^(\d+)Mi$/.exec(String(q))?.[1]);
    // Code, the young generation and buffers outside the heap come on top of the old space.
    expect(mib(c.resources!.limits!.memory)).toBeGreaterThanOrEqual(capMb + 256);
    expect(mib(c.resources!.requests!.memory)).toBeGreaterThanOrEqual(capMb);
  });

  it("web listens where its Service and probes point", () => {
    const web = (findObject("Deployment", "tarka-webhook") as unknown as IDeployment).spec!.template.spec!;
    const c = web.containers[0];
    const port = Number(c.env!.find((e) => e.name === "PORT")!.value);
    expect(c.ports).toEqual([{ name: "http", containerPort: port }]);
    expect(port).toBe(8080);
    expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
  });

  it("Tarka containers keep tini as PID 1, run non-root on a read-only root with /tmp writable", () => {
    for (const { owner, container } of tarkaContainers()) {
      const where = `${owner.name}/${container.name}`;
      // `command` would replace the image's ENTRYPOINT (tini) and break signal handling.
      expect(container.command, where).toBeUndefined();
      expect(container.args?.[0], where).toBe("node");
      expect(container.securityContext?.readOnlyRootFilesystem, where).toBe(true);
      expect(container.securityContext?.allowPrivilegeEscalation, where).toBe(false);
      expect(owner.spec.securityContext?.runAsNonRoot, where).toBe(true);
      expect(owner.spec.securityContext?.runAsUser, where).toBe(10001);
      const tmp = container.volumeMounts?.find((v) => v.mountPath === "/tmp");
      expect(tmp, where).toBeDefined();
      expect(owner.spec.volumes?.find((v) => v.name === tmp!.name)?.emptyDir, where).toBeDefined();
      expect(container.resources?.requests, where).toBeDefined();
      expect(container.resources?.limits?.memory, where).toBeDefined();
    }
  });

  it("commands run files that exist, and every Tarka pod migrates first", () => {
    for (const { owner, container } of tarkaContainers()) {
      const script = container.args!.find((a) => /\.(m?js|ts)$/.test(a))!;
      // server.js is produced by `next build` (output: "standalone"); the Dockerfile test covers it.
      if (script === "server.js") continue;
      // dist/worker/<name>.mjs is bundled from its entry point by `npm run build` (worker/build.ts).
      const bundled = /^dist\/worker\/([a-z-]+)\.mjs$/.exec(script)?.[1];
      if (bundled) {
        const entry = workerEntryPoints[bundled as keyof typeof workerEntryPoints];
        expect(entry, `${owner.name}/${container.name} runs ${script}, which worker/build.ts does not build`).toBeDefined();
        expect(fs.existsSync(path.join(REPO, entry)), entry).toBe(true);
        continue;
      }
      expect(fs.existsSync(path.join(REPO, script)), `${owner.name}/${container.name} runs ${script}`).toBe(true);
    }
    for (const name of ["tarka-webhook", "tarka-worker"]) {
      const spec = (findObject("Deployment", name) as unknown as IDeployment).spec!.template.spec!;
      expect(spec.initContainers?.map((c) => c.args?.join(" ")), name).toEqual(["node dist/worker/cli.mjs --migrate"]);
    }
  });
});

const API_GROUP_OF_CLIENT: Record<string, string> = { core: "", apps: "apps", batch: "batch", autoscaling: "autoscaling", discovery: "discovery.k8s.io" };

/** `group/resource` for every read the Kubernetes provider makes, from its client calls (`core.readNamespacedPodLog` → `/pods/log`). */
function kubernetesReadsOfTheProvider(): string[] {
  const source = fs.readFileSync(path.join(REPO, "lib/investigate/providers/kubernetes.ts"), "utf8");
  const reads = new Set<string>();
  for (const m of source.matchAll(/\b(core|apps|batch|autoscaling|discovery)\.(?:read|list)(?:Namespaced)?([A-Z]\w*?)(?:ForAllNamespaces)?\(/g)) {
    const kind = m[2]!;
    const resource = kind === "PodLog" ? "pods/log" : `${kind.toLowerCase()}s`;
    reads.add(`${API_GROUP_OF_CLIENT[m[1]!]}/${resource}`);
  }
  return [...reads].sort();
}
