import type { Features } from "./features";
import type { Hypothesis } from "./report";
import { type Blocker, type Classification, UNKNOWN_NEEDS_HUMAN } from "./vocabulary";

export function verdictOf(input: {
  f: Features;
  enrichmentLabel: string;
  hypotheses: Hypothesis[];
  blockers: Blocker[];
  contradicted: boolean;
  scores: { impact: number; confidence: number; noise: number };
}) {
  const { f, hypotheses, blockers } = input;
  const top = hypotheses[0];
  let classification: Classification;
  if (f.family === "meta") classification = "informational";
  else if (input.contradicted) classification = "artifact";
  else if (input.scores.noise >= 50) classification = "noisy";
  else if (f.alert.status === "resolved" || f.severity === "info" || f.severity === "none") classification = "informational";
  else classification = "actionable";

  const known = input.enrichmentLabel !== UNKNOWN_NEEDS_HUMAN;
  const primaryDriver = known ? input.enrichmentLabel : (top?.category ?? "unknown");
  const t = f.target;
  const where = t.name ? `${t.namespace ? `${t.namespace}/` : ""}${t.name}` : "an unidentified target";
  let cause: string;
  if (input.contradicted) cause = "target looks healthy now (ready, no recent restarts): likely recovered or a stale alert";
  else if (top && top.category !== "unknown") cause = `${top.title} (${top.confidence}%)`;
  else cause = "cause not determined from the evidence available";
  const missing = blockers.length ? `; missing evidence: ${blockers.join(", ")}` : "";
  return {
    classification,
    primaryDriver,
    oneLiner: `${classification}: ${f.alert.alertname} on ${where} — ${cause}${missing}`,
  };
}
