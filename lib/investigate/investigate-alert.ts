import type { Family } from "@/lib/alerts/family";
import type { Identity } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { parseDurationMs } from "@/lib/env";
import { ServiceError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import { alertsQuery, collectEvidence } from "./collect-evidence";
import { type Features, featuresOf } from "./features";
import { unknownHypothesis } from "./families/shared";
import { familyModule } from "./families";
import type { Providers } from "./providers/types";
import { recorder } from "./recorder";
import { REPORT_SCHEMA_VERSION, type Hypothesis, type Report } from "./report";
import { scoreReport } from "./scores";
import { targetOf } from "./target";
import { blockersOf, decide } from "./triage";
import { verdictOf } from "./verdict";
import { resolveWorkload } from "./workload/resolve-workload";

/** Below the `unknown` hypothesis (confidence 10): a cause nothing speaks for does not outrank "we do not know". */
const UNEVIDENCED_CEILING = 5;

function evidenceRead(f: Features): string {
  const e = f.evidence;
  return `Kubernetes ${e.k8s.status}, metrics ${e.metrics.status}, logs ${e.logs.status}`;
}

/**
 * Ranked hypotheses, each naming evidence for and against: a cause with nothing for it is pushed
 * below `unknown`, and one with nothing against it says what was read that could have contradicted it.
 */
export function rankHypotheses(hypotheses: Hypothesis[], f: Features): Hypothesis[] {
  const seen = new Set<string>();
  const checked = hypotheses.map((h) => {
    if (h.category === "unknown") return h;
    const withFor = h.why.some((w) => w.trim().length > 0) ? h : { ...h, confidence: Math.min(h.confidence, UNEVIDENCED_CEILING) };
    return withFor.counter.length ? withFor : { ...withFor, counter: [`nothing read contradicts it (read: ${evidenceRead(f)})`] };
  });
  const hasUnevidenced = checked.some((h) => h.category !== "unknown" && h.confidence <= UNEVIDENCED_CEILING);
  if (hasUnevidenced && !checked.some((h) => h.category === "unknown")) checked.push(unknownHypothesis(f, "no evidence supports the causes listed"));
  return checked
    .sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id))
    .filter((h) => (seen.has(h.id) ? false : (seen.add(h.id), true)));
}

/**
 * Alert in, report out. Evidence comes from whichever providers exist; a missing, failing or slow
 * provider becomes a blocker and a recorded query, never an exception. Given the same evidence and
 * `now`, the report is the same (record/replay tests depend on it).
 */
export async function investigateAlert({
  ctx,
  input,
}: {
  ctx: { providers: Providers; log: Logger; now?: () => Date };
  input: { alert: NormalizedAlert; family: Family; identity: Identity; timeWindow: string; clusterName?: string };
}): Promise<Report> {
  const now = ctx.now ?? (() => new Date());
  let windowMs: number;
  try {
    windowMs = parseDurationMs(input.timeWindow);
  } catch (e) {
    throw new ServiceError("invalid_input", `timeWindow: expected a duration such as 30m, 1h or 2d, got ${JSON.stringify(input.timeWindow)}`, { cause: e });
  }
  const started = now();
  const end = started;
  const start = new Date(end.getTime() - windowMs);
  const { alert, family } = input;
  const familyMod = familyModule(family);
  const labelled = targetOf(alert, family, input.clusterName ?? input.identity.cluster ?? undefined, input.identity.subject);
  const rec = recorder({ timeoutMs: ctx.providers.timeoutMs, log: ctx.log, now });
  const resolved = familyMod.needs.resolve
    ? await resolveWorkload({ ctx: { kube: ctx.providers.kubernetes, metrics: ctx.providers.metrics, call: rec.call }, input: { alert, target: labelled } })
    : null;
  const target = resolved?.target ?? labelled;
  const queries = familyMod.queries(target, alert);

  const evidence = await collectEvidence({
    ctx: { providers: ctx.providers, log: ctx.log, now, recorder: rec },
    input: {
      alert,
      target,
      queries: [...queries, alertsQuery(alert)],
      start,
      end,
      wantsK8s: familyMod.needs.k8s !== "none",
      objects: familyMod.needs.objects,
      resolved,
      readDependencies: !!familyMod.needs.resolve,
    },
  });
  const window = { startMs: start.getTime(), endMs: end.getTime() };
  const f = featuresOf({ alert, family, target, evidence, window });

  const blockers = blockersOf(f, familyMod, queries);
  const decision = decide(f, queries, blockers);
  const contradicted = decision.label === "recovered_or_artifact";
  const draft = familyMod.enrich(f);
  const enrichmentLabel = draft.label;
  const enrichment = { label: enrichmentLabel, why: draft.why, next: draft.steps.map((s) => s.text), steps: draft.steps };
  const hypotheses = rankHypotheses(familyMod.hypotheses(f), f);
  const extra = familyMod.reasons?.(f) ?? [];
  const scores = scoreReport({ f, blockers, hypotheses, enrichmentLabel, contradicted, extra });
  const verdict = verdictOf({ f, enrichmentLabel, hypotheses, blockers, contradicted, scores });
  const finished = now();

  ctx.log.debug({ family, fingerprint: alert.fingerprint, classification: verdict.classification }, "investigation finished");
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    alert,
    target,
    family,
    identity: { kind: input.identity.kind, key: input.identity.key, slug: input.identity.slug },
    timeWindow: { start: start.toISOString(), end: end.toISOString(), duration: input.timeWindow },
    evidence: { k8s: evidence.k8s, metrics: evidence.metrics, logs: evidence.logs, alertmanager: evidence.alertmanager },
    analysis: {
      decision,
      blockers,
      enrichment,
      hypotheses,
      scores,
      verdict,
      changes: f.changes,
      noise: f.noise,
    },
    queries: evidence.queries,
    generatedAt: finished.toISOString(),
    durationMs: Math.max(0, finished.getTime() - started.getTime()),
  };
}
