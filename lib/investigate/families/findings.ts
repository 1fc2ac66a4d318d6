import type { Family } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Features } from "../features";
import type { ReasonCodeEntry, Step, Target } from "../report";
import type { HypothesisCategory } from "../vocabulary";
import { hypothesis, logHypotheses, unknownEnrichment, unknownHypothesis } from "./shared";
import type { FamilyModule, MetricQuery } from "./types";

/** One cause the evidence supports, with what shows it and the steps that confirm or fix it. */
export type Finding = {
  label: string;
  /** The hypothesis id, when it is not the label (ids stay stable for readers of older reports). */
  id?: string;
  category: HypothesisCategory;
  title: string;
  confidence: number;
  why: string[];
  /** Evidence that speaks against this cause (what was read and does not fit). */
  counter?: string[];
  steps: Step[];
};

/** Same order as the engine ranks hypotheses, so the enrichment and the top hypothesis agree. */
function strongestFirst(a: Finding, b: Finding): number {
  return b.confidence - a.confidence || a.label.localeCompare(b.label);
}

/**
 * A family whose diagnosis is a list of findings: the strongest one is the enrichment, each one is a
 * hypothesis, log patterns add weaker ones; no finding means `unknown_needs_human` naming the unknowns.
 */
export function findingsModule(spec: {
  family: Family;
  needs: FamilyModule["needs"];
  queries(target: Target, alert: NormalizedAlert): MetricQuery[];
  findings(f: Features): Finding[];
  unknowns(f: Features): string[];
  reasons?(f: Features): ReasonCodeEntry[];
  /** Starting confidence of the log-pattern hypotheses: higher where logs are this family's main evidence. */
  logConfidence?: number;
}): FamilyModule {
  return {
    family: spec.family,
    needs: spec.needs,
    queries: spec.queries,
    enrich(f) {
      const top = [...spec.findings(f)].sort(strongestFirst)[0];
      return top ? { label: top.label, why: top.why, steps: top.steps } : unknownEnrichment(f, spec.queries(f.target, f.alert), spec.unknowns(f));
    },
    hypotheses(f) {
      const found = spec.findings(f).map((x) =>
        hypothesis({ id: x.id ?? x.label, category: x.category, title: x.title, confidence: x.confidence, why: x.why, counter: x.counter ?? [], nextTests: x.steps.map((s) => s.text) }),
      );
      const out = [...found, ...logHypotheses(f, spec.logConfidence ?? 35)];
      return out.length ? out : [unknownHypothesis(f, spec.unknowns(f)[0] ?? "no finding")];
    },
    ...(spec.reasons ? { reasons: spec.reasons } : {}),
  };
}
