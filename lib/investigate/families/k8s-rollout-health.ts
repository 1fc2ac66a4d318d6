import { kubectl, nsFlag, workloadRef } from "../commands";
import type { Features } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { hypothesis, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function queries(t: Target): MetricQuery[] {
  if (!t.namespace || !t.workload) return [];
  const kind = t.workload.kind.toLowerCase();
  const sel = selector({ namespace: t.namespace, [kind]: t.workload.name });
  if (kind !== "deployment" && kind !== "statefulset") return [];
  return [
    { id: "replicas_available", title: "Available replicas", unit: "replicas", query: `max(kube_${kind}_status_replicas_${kind === "deployment" ? "available" : "ready"}${sel})` },
    { id: "replicas_desired", title: "Desired replicas", unit: "replicas", query: `max(kube_${kind}_spec_replicas${sel})` },
  ];
}

function diagnose(f: Features): EnrichmentDraft | null {
  const w = f.evidence.k8s.workload;
  if (!w) return null;
  const ns = nsFlag(w.namespace);
  const ref = workloadRef(w);
  const state = `${w.kind} ${w.name}: ${w.ready}/${w.desired} ready, ${w.updated} updated, ${w.available} available`;
  const steps = [kubectl`${ns}rollout status ${ref} --timeout=10s`, kubectl`${ns}describe ${ref}`, kubectl`${ns}get pods -o wide`];
  if (w.desired > 0 && w.ready === w.desired && w.updated === w.desired && w.available === w.desired) {
    return { label: "recovered", why: [state, "every replica is updated and available now"], steps: [kubectl`${ns}rollout history ${ref}`] };
  }
  const deadline = w.conditions.find((c) => c.type === "Progressing" && (c.status === "False" || c.reason === "ProgressDeadlineExceeded"));
  const generationBehind = w.generation !== undefined && w.observedGeneration !== undefined && w.observedGeneration < w.generation;
  if (deadline || generationBehind || w.updated < w.desired) {
    return {
      label: "suspected_rollout_stuck",
      why: [state, ...(deadline ? [`condition Progressing=${deadline.status}: ${deadline.reason ?? ""} ${deadline.message ?? ""}`.trim()] : []), ...(f.changes.rolloutInWindow ? [f.changes.summary] : [])],
      steps: [...steps, kubectl`${ns}rollout undo ${ref}   # only if the new revision is at fault`],
    };
  }
  return { label: "suspected_replicas_mismatch", why: [state, "the rollout finished but not every replica is available (crashing pods, scheduling, or a PodDisruptionBudget)"], steps };
}

export const k8sRolloutHealth: FamilyModule = {
  family: "k8s_rollout_health",
  needs: { k8s: "workload", logs: false },
  queries,
  enrich: (f) => diagnose(f) ?? unknownEnrichment(f, queries(f.target), ["the workload's desired/updated/available replicas and its Progressing condition"]),
  hypotheses(f: Features) {
    const d = diagnose(f);
    if (!d) return [unknownHypothesis(f, "workload status unknown")];
    if (d.label === "recovered") return [hypothesis({ id: "recovered", category: "noise", title: "Rollout already completed", confidence: 80, why: d.why })];
    const stuck = d.label === "suspected_rollout_stuck";
    return [hypothesis({ id: d.label, category: stuck ? "bad_rollout" : "scheduling", title: stuck ? "New revision does not become available" : "Replicas missing after the rollout", confidence: 70, why: d.why, nextTests: d.steps.map((s) => s.text) })];
  },
};
