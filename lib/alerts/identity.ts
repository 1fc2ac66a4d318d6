import type { Family } from "./family";
import type { NormalizedAlert } from "./schema";

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

export type Identity = {
  kind: "job" | "workload" | "pod" | "service" | "fingerprint";
  /** Canonical, stable string: what dedupe keys and cases group by. */
  key: string;
  /** File-name friendly form of the key, used in storage keys. */
  slug: string;
  cluster: string;
  namespace: string | null;
};

function slugify(parts: string[]): string {
  const slug = parts
    .filter(Boolean)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  return slug.slice(0, 120) || "unknown";
}

function make(kind: Identity["kind"], cluster: string, namespace: string | null, parts: string[]): Identity {
  return {
    kind,
    key: [kind, cluster, namespace ?? "", ...parts].join("|"),
    slug: slugify([cluster, namespace ?? "", ...parts]),
    cluster,
    namespace,
  };
}

/**
 * Identity, first rule that applies (DESIGN §5): job → owning workload (rollout-noisy alerts whose
 * owner was found) → pod → service → fingerprint.
 */
export function identityOf(
  alert: NormalizedAlert,
  family: Family,
  options: { defaultCluster?: string; workload?: WorkloadRef | null } = {},
): Identity {
  const l = alert.labels;
  const cluster = l.cluster ?? options.defaultCluster ?? "";
  const namespace = l.namespace ?? l.exported_namespace ?? null;
  const jobName = l.job_name ?? (family === "job_failed" ? l.job : undefined);
  if (jobName && namespace && (family === "job_failed" || l.job_name)) {
    return make("job", cluster, namespace, [jobName]);
  }
  if (options.workload && isRolloutNoisy(alert.alertname)) {
    const w = options.workload;
    const parts = [w.kind.toLowerCase(), w.name];
    if (alert.alertname === "KubernetesContainerOomKiller" && l.container) parts.push(l.container);
    return make("workload", cluster, w.namespace, parts);
  }
  if (l.pod && namespace) return make("pod", cluster, namespace, [l.pod]);
  if (l.service) return make("service", cluster, namespace, [l.service]);
  return make("fingerprint", cluster, namespace, [alert.fingerprint]);
}
