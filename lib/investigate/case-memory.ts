import type { Hypothesis, MemoryAdjustment, Report, SeenBefore } from "./report";

/** Most a hypothesis moves because of past cases; evidence from this alert still decides. */
const MAX_DELTA = 15;
const PER_CASE = 5;

/**
 * The last analysis step, after hypotheses are ranked: past cases whose outcome is known (resolution
 * feedback, or a resolution that says false positive/expected) raise or lower hypotheses of the same
 * category. Every change is listed in `analysis.memory.adjustments` and added to the hypothesis's
 * `why`, so no adjustment is silent. The verdict and scores are left as the evidence made them.
 */
export function applyCaseMemory({ input }: { input: { report: Report; similar: SeenBefore[] } }): Report {
  const { report, similar } = input;
  const known = similar.filter((s) => s.confirmedCategory || s.rejectedCategory);
  const adjustments: MemoryAdjustment[] = [];
  const adjusted = new Set<string>();
  const hypotheses: Hypothesis[] = report.analysis.hypotheses.map((h) => {
    if (known.length === 0 || adjusted.has(h.category)) return h;
    const confirmed = known.filter((s) => s.confirmedCategory === h.category).length;
    const rejected = known.filter((s) => s.rejectedCategory === h.category).length;
    const delta = Math.min(MAX_DELTA, PER_CASE * confirmed) - Math.min(MAX_DELTA, PER_CASE * rejected);
    if (delta === 0) return h;
    adjusted.add(h.category);
    const confidence = Math.max(0, Math.min(100, h.confidence + delta));
    const facts = [
      ...(confirmed ? [`${confirmed} of ${known.length} similar past cases were ${h.category}`] : []),
      ...(rejected ? [`${rejected} of ${known.length} similar past cases were judged not ${h.category}`] : []),
    ];
    const reason = `${facts.join("; ")} (resolution feedback): confidence ${h.confidence}% → ${confidence}%`;
    adjustments.push({ hypothesisId: h.id, category: h.category, delta: confidence - h.confidence, reason });
    return { ...h, confidence, why: [...h.why, `Seen before: ${reason}`] };
  });
  const ranked = hypotheses
    .map((h, i) => ({ h, i }))
    .sort((a, b) => b.h.confidence - a.h.confidence || a.i - b.i)
    .map((x) => x.h);
  return { ...report, analysis: { ...report.analysis, hypotheses: ranked, memory: { similar, adjustments } } };
}
