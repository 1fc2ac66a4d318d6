import type { Family } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Target } from "./report";

const workloadLabels: Array<[string, string]> = [
  ["deployment", "Deployment"],
  ["statefulset", "StatefulSet"],
  ["daemonset", "DaemonSet"],
  ["job_name", "Job"],
  ["cronjob", "CronJob"],
];

const clusterScoped = new Set<Family>(["meta", "observability_pipeline", "target_down", "volume_filling", "cert_expiry"]);

/** What the alert is about, read from its labels only (providers may refine the workload later). */
export function targetOf(alert: NormalizedAlert, family: Family, clusterName?: string): Target {
  const l = alert.labels;
  const namespace = l.namespace ?? l.exported_namespace ?? null;
  const cluster = l.cluster ?? clusterName ?? null;
  const pod = l.pod ?? l.pod_name ?? null;
  const container = l.container ?? l.container_name ?? null;
  const service = l.service ?? null;
  const node = l.node ?? (family === "node_health" ? (l.instance ?? null) : null);
  const workloadHit = workloadLabels.find(([label]) => l[label]);
  const workload = workloadHit ? { kind: workloadHit[1], name: l[workloadHit[0]] as string } : null;
  const base = {
    namespace,
    cluster,
    pod,
    container,
    workload,
    service,
    node,
    job: l.job ?? null,
    instance: l.instance ?? null,
  };
  if (pod && namespace) return { ...base, type: "pod", name: pod };
  if (workload && namespace) return { ...base, type: "workload", name: workload.name };
  if (node && (family === "node_health" || !namespace)) return { ...base, type: "node", name: node };
  if (service) return { ...base, type: "service", name: service };
  if (clusterScoped.has(family) || l.job || l.instance) return { ...base, type: "cluster", name: l.persistentvolumeclaim ?? l.certificate ?? l.job ?? cluster ?? null };
  return { ...base, type: "unknown", name: null };
}
