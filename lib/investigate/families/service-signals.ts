import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, text, workloadRef } from "../commands";
import { type Features, logMatch, stat } from "../features";
import { selector } from "../promql";
import type { Hypothesis, Step, Target } from "../report";
import { hypothesis } from "./shared";
import type { EnrichmentDraft, MetricQuery } from "./types";

/** Labels that scope request metrics to the alert's service. */
export function serviceSelector(t: Target): string {
  return selector({ namespace: t.namespace, service: t.service, job: t.service ? null : t.job, pod: t.service ? null : t.pod });
}

export function requestRateQuery(t: Target): MetricQuery {
  return { id: "request_rate", title: "Request rate", unit: "req/s", query: `sum(rate(http_requests_total${serviceSelector(t)}[5m]))` };
}

/** A rollout in the hour before the alert is the first suspect for a service regression. */
export function rolloutFinding(f: Features): EnrichmentDraft | null {
  const m = f.changes.minutesBeforeAlert;
  if (!f.changes.rolloutInWindow || m === null || m < 0 || m > 60) return null;
  const w = f.evidence.k8s.workload;
  const ref = workloadRef(w);
  const ns = nsFlag(f.target.namespace);
  return {
    label: "suspected_rollout_regression",
    why: [f.changes.summary],
    steps: [kubectl`${ns}rollout history ${ref}`, text(`If the new revision is the cause, roll back: ${kubectl`${ns}rollout undo ${ref}`.text}`)],
  };
}

export function dependencyFinding(f: Features, label: string, categories: Hypothesis["category"][]): EnrichmentDraft | null {
  const m = logMatch(f, ...categories);
  if (!m) return null;
  const steps: Step[] = [];
  if (m.detail) steps.push(text(`Check ${m.detail} (health, endpoints, recent changes).`));
  if (f.target.namespace) steps.push(kubectl`-n ${f.target.namespace} get endpoints`);
  return { label, why: [`logs: ${m.title}${m.detail ? ` (${m.detail})` : ""} ×${m.count}: "${m.sample.slice(0, 160)}"`], steps };
}

export function rolloutHypothesis(f: Features, title: string): Hypothesis[] {
  const r = rolloutFinding(f);
  return r ? [hypothesis({ id: "rollout_regression", category: "bad_rollout", title, confidence: 70, why: r.why, nextTests: r.steps.map((s) => s.text) })] : [];
}

export function seriesLine(f: Features, id: string, unit = ""): string | null {
  const s = stat(f, id);
  return s ? `${id}: first ${s.first.toPrecision(3)}${unit}, peak ${s.max.toPrecision(3)}${unit}, last ${s.last.toPrecision(3)}${unit}` : null;
}
