import type { Family } from "./family";
import type { NormalizedAlert } from "./schema";
import { isScraperPod, scraperNamed, scraperOf, type ScraperNames } from "./scrapers";

/** Alertnames whose pod-level identity churns on every rollout; they are keyed by owning workload. */
export const rolloutNoisyAlertnames = new Set([
  "KubernetesPodNotHealthy",
  "KubernetesPodNotHealthyCritical",
  "KubernetesContainerOomKiller",
]);

export function isRolloutNoisy(alertname: string): boolean {
  return rolloutNoisyAlertnames.has(alertname);
}

export type WorkloadRef = { kind: string; name: string; namespace: string };

/** Labels naming a workload controller, in the order they are tried. */
export const workloadLabels: ReadonlyArray<readonly [label: string, kind: string]> = [
  ["deployment", "Deployment"],
  ["statefulset", "StatefulSet"],
  ["daemonset", "DaemonSet"],
  ["replicaset", "ReplicaSet"],
  ["cronjob", "CronJob"],
];

/** Labels naming another Kubernetes object; `persistentvolume` is the one that is not namespaced. */
const objectLabels: ReadonlyArray<readonly [label: string, kind: string]> = [
  ["persistentvolumeclaim", "PersistentVolumeClaim"],
  ["persistentvolume", "PersistentVolume"],
  ["horizontalpodautoscaler", "HorizontalPodAutoscaler"],
  ["poddisruptionbudget", "PodDisruptionBudget"],
  ["resourcequota", "ResourceQuota"],
  ["certificate", "Certificate"],
];
const clusterScopedKinds = new Set(["PersistentVolume"]);

export type SubjectKind = "job" | "pod" | "workload" | "object" | "node" | "probe" | "service" | "none";

/** What an alert is about, read from its labels with the scrape target's own labels set aside. */
export type Subject = {
  kind: SubjectKind;
  /** Kubernetes kind of a job, workload or object subject (`Job`, `Deployment`, `PersistentVolumeClaim`…). */
  objectKind: string | null;
  name: string | null;
  /** The subject's namespace; null for nodes, probes and cluster-scoped objects. */
  namespace: string | null;
  /** The alert's pod, container, service, node and job labels, null where they name its scraper. */
  pod: string | null;
  container: string | null;
  service: string | null;
  node: string | null;
  job: string | null;
};

function hostOf(instance: string): string {
  return instance.replace(/:\d+$/, "");
}

/**
 * The alert's subject (docs/architecture.md, "Case identity"): a Kubernetes Job → a pod that is not
 * a scraper's → a workload → another object (PVC, PV, HPA, PDB, quota, certificate) → a node (`node`,
 * or the `instance` of node-exporter and of node alerts) → a blackbox probe target → a service that
 * is not a scraper's → the scraper itself when the alert names nothing else → none. `exported_*`
 * labels are the series' own when a scrape without `honor_labels` renamed them. For `target_down`
 * the scrape target is the subject.
 */
export function subjectOf(alert: NormalizedAlert, family: Family, scrapers: ScraperNames = []): Subject {
  const l = alert.labels;
  const own = (name: string): string | null => l[`exported_${name}`] ?? l[name] ?? null;
  const scrapeIsSubject = family === "target_down";
  const scraper = scrapeIsSubject ? null : scraperOf(l, scrapers);
  const namespace = own("namespace");
  const rawPod = own("pod") ?? l.pod_name ?? null;
  const rawContainer = own("container") ?? l.container_name ?? null;
  const rawService = own("service");
  const namesScraper = (value: string | null) => !scrapeIsSubject && !!value && scraperNamed(value, scrapers) !== null;
  const podIsScraper = !!rawPod && !scrapeIsSubject && isScraperPod(rawPod, scrapers);
  const pod = podIsScraper ? null : rawPod;
  const container = namesScraper(rawContainer) ? null : rawContainer;
  const service = namesScraper(rawService) ? null : rawService;
  const instanceIsNode = scraper?.kind === "node-exporter" || family === "node_health";
  const node = l.node ?? (instanceIsNode && l.instance ? hostOf(l.instance) : null);
  const job = namesScraper(l.job ?? null) ? null : (l.job ?? null);
  const base = { pod, container: pod ? container : null, service, node, job };
  const subject = (kind: SubjectKind, name: string, ns: string | null, objectKind: string | null = null): Subject => ({
    ...base,
    kind,
    objectKind,
    name,
    namespace: ns,
  });

  const jobName = l.job_name ?? (family === "job_failed" ? job : null);
  if (jobName && namespace) return subject("job", jobName, namespace, "Job");
  if (pod && namespace) return subject("pod", pod, namespace);
  const workload = workloadLabels.find(([label]) => l[label]);
  if (workload && namespace) return subject("workload", l[workload[0]] as string, namespace, workload[1]);
  const object = objectLabels.find(([label]) => l[label]);
  if (object) {
    const clusterScoped = clusterScopedKinds.has(object[1]);
    if (clusterScoped || namespace) return subject("object", l[object[0]] as string, clusterScoped ? null : namespace, object[1]);
  }
  if (node) return subject("node", node, null);
  if (scraper?.kind === "blackbox" && l.instance) return subject("probe", l.instance, null);
  if (service) return subject("service", service, namespace);
  if (rawPod && namespace) return { ...subject("pod", rawPod, namespace), pod: rawPod, container: rawContainer };
  if (rawService) return { ...subject("service", rawService, namespace), service: rawService };
  return { ...base, kind: "none", objectKind: null, name: null, namespace };
}

export type Identity = {
  kind: "job" | "workload" | "pod" | "object" | "node" | "probe" | "service" | "fingerprint";
  /** Canonical, stable string: what dedupe keys and cases group by. */
  key: string;
  /** File-name friendly form of the key, used in storage keys; not unique (report keys add the dedupe key). */
  slug: string;
  cluster: string;
  namespace: string | null;
  subject: Subject;
};

function slugify(parts: string[]): string {
  const slug = parts
    .filter(Boolean)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  return slug.slice(0, 80).replace(/-$/, "") || "unknown";
}

/** `|` separates the parts of a key; escaping it (and `\`) keeps label values from forging another key. */
function keyPart(value: string): string {
  return value.replace(/[\\|]/g, "\\$&");
}

function make(kind: Identity["kind"], cluster: string, namespace: string | null, parts: string[], subject: Subject): Identity {
  return {
    kind,
    key: [kind, cluster, namespace ?? "", ...parts].map(keyPart).join("|"),
    slug: slugify([cluster, namespace ?? "", ...parts]),
    cluster,
    namespace,
    subject,
  };
}

/**
 * Identity (docs/architecture.md, "Case identity"): the owning workload of a rollout-noisy alert whose owner was found, else
 * the alert's subject (`subjectOf`), else its fingerprint. Keys of pods, Jobs, services and
 * fingerprints keep the form they always had.
 */
export function identityOf(
  alert: NormalizedAlert,
  family: Family,
  options: { defaultCluster?: string; workload?: WorkloadRef | null; scrapers?: ScraperNames } = {},
): Identity {
  const l = alert.labels;
  const cluster = l.cluster ?? options.defaultCluster ?? "";
  const s = subjectOf(alert, family, options.scrapers);
  if (s.kind === "job") return make("job", cluster, s.namespace, [s.name as string], s);
  if (options.workload && isRolloutNoisy(alert.alertname)) {
    const w = options.workload;
    const parts = [w.kind.toLowerCase(), w.name];
    if (alert.alertname === "KubernetesContainerOomKiller" && s.container) parts.push(s.container);
    return make("workload", cluster, w.namespace, parts, s);
  }
  switch (s.kind) {
    case "pod":
    case "node":
    case "probe":
    case "service":
      return make(s.kind, cluster, s.namespace, [s.name as string], s);
    case "workload":
    case "object":
      return make(s.kind, cluster, s.namespace, [(s.objectKind as string).toLowerCase(), s.name as string], s);
    default:
      return make("fingerprint", cluster, s.namespace, [alert.fingerprint], s);
  }
}
