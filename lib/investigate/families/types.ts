import type { Family } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Features } from "../features";
import type { Hypothesis, ReasonCodeEntry, Step, Target } from "../report";

/** One PromQL range query a family runs, with the alert's labels already substituted. */
export type K8sObjectKind = "hpa" | "quotas" | "volume";

export type MetricQuery = { id: string; title: string; unit: string; query: string; threshold?: number };

export type EnrichmentDraft = { label: string; why: string[]; steps: Step[] };

export type FamilyModule = {
  family: Family;
  needs: {
    /** Kubernetes objects this family reads; their absence is blocker B. */
    k8s: "pod" | "workload" | "node" | "none";
    /** Whether logs matter for the diagnosis; their absence is blocker C. */
    logs: boolean;
    /** Further objects named by the alert's labels: `hpa` (horizontalpodautoscaler), `quotas` (the namespace's ResourceQuotas and quota refusals), `volume` (persistentvolumeclaim/persistentvolume). */
    objects?: K8sObjectKind[];
    /** Find the workload behind a Service, exporter or queue alert before gathering pod evidence, and check upstreams named in logs. */
    resolve?: boolean;
  };
  queries(target: Target, alert: NormalizedAlert): MetricQuery[];
  enrich(features: Features): EnrichmentDraft;
  hypotheses(features: Features): Hypothesis[];
  /** Family-specific score adjustments (impact mostly), on top of the shared ones. */
  reasons?(features: Features): ReasonCodeEntry[];
};
