import type { Features } from "./features";
import type { Hypothesis, ReasonCodeEntry } from "./report";
import { type Blocker, type ReasonCode, reasonCodes, UNKNOWN_NEEDS_HUMAN } from "./vocabulary";

export function reason(code: ReasonCode, delta: number, why: string): ReasonCodeEntry {
  return { code, dimension: reasonCodes[code], delta: Math.round(delta), why };
}

const blockerCodes: Record<Blocker, [ReasonCode, number]> = {
  A: ["blocker_target_missing", -20],
  B: ["blocker_k8s_missing", -15],
  C: ["blocker_logs_missing", -5],
  D: ["blocker_metrics_missing", -10],
};

function clamp(v: number): number {
  return Math.max(0, Math.min(100, Math.round(v)));
}

/** Impact, confidence and noise (0–100) as a base plus explained deltas. */
export function scoreReport(input: {
  f: Features;
  blockers: Blocker[];
  hypotheses: Hypothesis[];
  enrichmentLabel: string;
  contradicted: boolean;
  extra: ReasonCodeEntry[];
}) {
  const { f } = input;
  const codes: ReasonCodeEntry[] = [];
  if (f.severity === "critical" || f.severity === "page") codes.push(reason("severity_critical", 40, `severity=${f.severity}`));
  else if (f.severity === "warning") codes.push(reason("severity_warning", 20, "severity=warning"));
  else if (f.severity === "info" || f.severity === "none") codes.push(reason("severity_info", -10, `severity=${f.severity}`));
  if (f.container && f.ready === false) codes.push(reason("pod_not_ready", 15, `container ${f.container.name} is not ready`));
  if (f.restarts >= 3) codes.push(reason("restarts_high", 10, `${f.restarts} container restarts`));
  const w = f.evidence.k8s.workload;
  if (w && w.desired > 0 && w.kind !== "Job") {
    if (w.available === 0) codes.push(reason("workload_unavailable", 25, `${w.kind} ${w.name} has no available replica`));
    else if (w.available < w.desired) codes.push(reason("workload_degraded", 10, `${w.kind} ${w.name}: ${w.available}/${w.desired} available`));
  }
  if (f.nodeReady === false) codes.push(reason("node_not_ready", 25, `node ${f.evidence.k8s.node?.name} is not Ready`));
  if ((f.noise.similarActive ?? 0) >= 5) codes.push(reason("many_similar_alerts", 10, `${f.noise.similarActive} other alerts with this name are active`));
  codes.push(...input.extra);

  const top = input.hypotheses[0];
  if (top && top.category !== "unknown" && input.enrichmentLabel !== UNKNOWN_NEEDS_HUMAN) {
    codes.push(reason("root_cause_evidence", top.confidence * 0.5, `top hypothesis "${top.title}" at ${top.confidence}%`));
  } else {
    codes.push(reason("thin_evidence", -10, "no hypothesis is backed by direct evidence"));
  }
  if (f.logMatches.length > 0) codes.push(reason("log_pattern_match", 10, `logs show ${f.logMatches[0]?.title}`));
  if (f.available.k8s) codes.push(reason("k8s_evidence", 10, "Kubernetes state was read"));
  if (f.available.metrics) codes.push(reason("metrics_evidence", 10, "metrics were read for the window"));
  const second = input.hypotheses[1];
  if (top && second && top.category === second.category && top.category !== "unknown") {
    codes.push(reason("corroborated", 5, "two independent signals point at the same cause"));
  }
  if (f.changes.rolloutInWindow) codes.push(reason("rollout_correlated", 5, f.changes.summary));
  for (const b of input.blockers) {
    const [code, delta] = blockerCodes[b];
    codes.push(reason(code, delta, `blocker ${b}`));
  }

  if (input.contradicted) codes.push(reason("target_recovered", 50, "the target is healthy while the alert fires"));
  if (f.noise.flapping) codes.push(reason("flapping", 50, `re-fired ${f.noise.flaps} times in the window`));
  if (f.noise.silencedOrInhibited) codes.push(reason("silenced_or_inhibited", 25, "silenced or inhibited in Alertmanager"));
  if (f.family === "meta") codes.push(reason("meta_alert", 40, "meta alert about the alerting pipeline itself"));
  if (f.alert.status === "resolved") codes.push(reason("resolved_alert", 20, "already resolved"));

  const sum = (dimension: string, base: number) =>
    clamp(codes.filter((c) => c.dimension === dimension).reduce((n, c) => n + c.delta, base));
  return { impact: sum("impact", 20), confidence: sum("confidence", 10), noise: sum("noise", 0), reasonCodes: codes };
}
