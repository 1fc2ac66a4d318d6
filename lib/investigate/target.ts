import type { Family } from "@/lib/alerts/family";
import { subjectOf, workloadLabels, type Subject } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Target } from "./report";

const workloadLabelsWithJobs = [...workloadLabels, ["job_name", "Job"] as const];

const clusterScoped = new Set<Family>(["meta", "observability_pipeline", "target_down", "volume_filling", "cert_expiry"]);

/**
 * What the alert is about, read from its labels only (providers may refine the workload later).
 * Type and name come from the alert's subject (`subjectOf`), so labels that name a scraper such as
 * kube-state-metrics never become the target; `pod`, `container` and `service` are null where they
 * name the scraper. Pass the subject the identity was computed from so both agree.
 */
export function targetOf(alert: NormalizedAlert, family: Family, clusterName?: string, subject: Subject = subjectOf(alert, family)): Target {
  const l = alert.labels;
  const cluster = l.cluster ?? clusterName ?? null;
  const workloadHit = workloadLabelsWithJobs.find(([label]) => l[label]);
  const workload =
    subject.kind === "workload" || subject.kind === "job"
      ? { kind: subject.objectKind as string, name: subject.name as string }
      : workloadHit
        ? { kind: workloadHit[1], name: l[workloadHit[0]] as string }
        : null;
  const base = {
    namespace: subject.namespace,
    cluster,
    pod: subject.pod,
    container: subject.container,
    workload,
    service: subject.service,
    node: subject.node,
    job: l.job ?? null,
    instance: l.instance ?? null,
  };
  switch (subject.kind) {
    case "pod":
    case "node":
    case "service":
      return { ...base, type: subject.kind, name: subject.name };
    case "job":
    case "workload":
      return { ...base, type: "workload", name: subject.name };
    case "object":
      return { ...base, type: "object", name: subject.name };
    case "probe":
      return { ...base, type: "service", name: subject.name };
    case "none":
      if (clusterScoped.has(family) || l.job || l.instance) return { ...base, type: "cluster", name: l.job ?? cluster ?? null };
      return { ...base, type: "unknown", name: null };
  }
}
