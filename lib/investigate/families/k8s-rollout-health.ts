import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, promql, workloadRef } from "../commands";
import { type Features, stat } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { type Finding, findingsModule } from "./findings";
import type { MetricQuery } from "./types";

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const l = alert.labels;
  const namespace = l.namespace ?? t.namespace;
  if (l.poddisruptionbudget && namespace) {
    const sel = selector({ namespace, poddisruptionbudget: l.poddisruptionbudget });
    return [
      { id: "pdb_current_healthy", title: "PDB healthy pods", unit: "pods", query: `max(kube_poddisruptionbudget_status_current_healthy${sel})` },
      { id: "pdb_desired_healthy", title: "PDB pods required healthy", unit: "pods", query: `max(kube_poddisruptionbudget_status_desired_healthy${sel})` },
    ];
  }
  if (!t.namespace || !t.workload) return [];
  const kind = t.workload.kind.toLowerCase();
  const sel = selector({ namespace: t.namespace, [kind]: t.workload.name });
  if (kind === "daemonset") {
    return [
      { id: "ds_unscheduled", title: "Nodes that should run the DaemonSet but do not", unit: "nodes", query: `max(kube_daemonset_status_desired_number_scheduled${sel} - kube_daemonset_status_current_number_scheduled${sel})` },
      { id: "ds_misscheduled", title: "Nodes running the DaemonSet that should not", unit: "nodes", query: `max(kube_daemonset_status_number_misscheduled${sel})` },
    ];
  }
  if (kind !== "deployment" && kind !== "statefulset") return [];
  return [
    { id: "replicas_available", title: "Available replicas", unit: "replicas", query: `max(kube_${kind}_status_replicas_${kind === "deployment" ? "available" : "ready"}${sel})` },
    { id: "replicas_desired", title: "Desired replicas", unit: "replicas", query: `max(kube_${kind}_spec_replicas${sel})` },
  ];
}

function workloadFindings(f: Features): Finding[] {
  const w = f.evidence.k8s.workload;
  if (!w) return [];
  const ns = nsFlag(w.namespace);
  const ref = workloadRef(w);
  const state = `${w.kind} ${w.name}: ${w.ready}/${w.desired} ready, ${w.updated} updated, ${w.available} available`;
  const steps = [kubectl`${ns}rollout status ${ref} --timeout=10s`, kubectl`${ns}describe ${ref}`, kubectl`${ns}get pods -o wide`];
  if (w.desired > 0 && w.ready === w.desired && w.updated === w.desired && w.available === w.desired) {
    return [{ label: "recovered", category: "noise", title: "Rollout already completed", confidence: 80, why: [state, "every replica is updated and available now"], steps: [kubectl`${ns}rollout history ${ref}`] }];
  }
  const unscheduled = stat(f, "ds_unscheduled");
  const misscheduled = stat(f, "ds_misscheduled");
  if (w.kind === "DaemonSet" && ((unscheduled?.last ?? 0) > 0 || (misscheduled?.last ?? 0) > 0)) {
    const failed = f.events.filter((e) => /FailedCreate|FailedScheduling|FailedPlacement/.test(e.reason));
    return [
      {
        label: "suspected_daemonset_unschedulable",
        category: "scheduling",
        title: "The DaemonSet cannot place its pod on every node it should",
        confidence: failed.length ? 80 : 70,
        why: [
          state,
          ...((unscheduled?.last ?? 0) > 0 ? [`${Math.round(unscheduled?.last ?? 0)} node(s) should run it and do not`] : []),
          ...((misscheduled?.last ?? 0) > 0 ? [`${Math.round(misscheduled?.last ?? 0)} node(s) run it and should not (taints, node selector or affinity changed)`] : []),
          ...failed.slice(0, 2).map((e) => `event ${e.reason} ×${e.count}: ${e.message}`),
        ],
        steps: [...steps, kubectl`${ns}get ${ref} -o jsonpath='{.spec.template.spec.tolerations} {.spec.template.spec.nodeSelector}'`, kubectl`get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints`],
      },
    ];
  }
  const deadline = w.conditions.find((c) => c.type === "Progressing" && (c.status === "False" || c.reason === "ProgressDeadlineExceeded"));
  const generationBehind = w.generation !== undefined && w.observedGeneration !== undefined && w.observedGeneration < w.generation;
  if (deadline || generationBehind || w.updated < w.desired) {
    return [
      {
        label: "suspected_rollout_stuck",
        category: "bad_rollout",
        title: "New revision does not become available",
        confidence: 70,
        why: [state, ...(deadline ? [`condition Progressing=${deadline.status}: ${deadline.reason ?? ""} ${deadline.message ?? ""}`.trim()] : []), ...(f.changes.rolloutInWindow ? [f.changes.summary] : [])],
        steps: [...steps, kubectl`${ns}rollout undo ${ref}   # only if the new revision is at fault`],
      },
    ];
  }
  return [{ label: "suspected_replicas_mismatch", category: "scheduling", title: "Replicas missing after the rollout", confidence: 70, why: [state, "the rollout finished but not every replica is available (crashing pods, scheduling, or a PodDisruptionBudget)"], steps }];
}

function pdbFindings(f: Features): Finding[] {
  const current = stat(f, "pdb_current_healthy");
  const desired = stat(f, "pdb_desired_healthy");
  const pdb = f.alert.labels.poddisruptionbudget;
  const namespace = f.alert.labels.namespace ?? f.target.namespace;
  if (!current || !desired || !pdb || !namespace || current.last >= desired.last) return [];
  return [
    {
      label: "suspected_pdb_blocking",
      category: "scheduling",
      title: "Too few healthy pods for the PodDisruptionBudget: node drains and voluntary evictions are blocked",
      confidence: 80,
      why: [`PodDisruptionBudget ${pdb}: ${Math.round(current.last)} healthy of ${Math.round(desired.last)} required`],
      steps: [kubectl`-n ${namespace} describe pdb ${pdb}`, kubectl`-n ${namespace} get pods -o wide`, promql(`kube_poddisruptionbudget_status_pod_disruptions_allowed${selector({ namespace, poddisruptionbudget: pdb })}`)],
    },
  ];
}

export const k8sRolloutHealth = findingsModule({
  family: "k8s_rollout_health",
  needs: { k8s: "workload", logs: false },
  queries,
  findings: (f) => [...pdbFindings(f), ...workloadFindings(f)],
  unknowns: () => ["the workload's desired/updated/available replicas and its Progressing condition"],
});
