import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { MetricQuery } from "./families/types";
import { parsePromql } from "./promql-parse";

/**
 * The alert's own rule expression comes from its `generatorURL`, which whoever can post alerts
 * writes: it runs only when every series selector is pinned to this alert by an exact matcher on
 * one of its identifying labels, and at most maxSeries series are kept.
 */
export const alertExpressionLimits = { maxChars: 2_000, maxSeries: 20 } as const;
const identifyingLabels = ["namespace", "pod", "instance", "node", "job", "service"] as const;

/** The PromQL expression in a Prometheus `generatorURL` (`/graph?g0.expr=…`), if there is one. */
export function exprFromGeneratorUrl(generatorURL: string | null): string | null {
  if (!generatorURL) return null;
  try {
    const expr = new URL(generatorURL).searchParams.get("g0.expr");
    return expr && expr.trim() ? expr.trim() : null;
  } catch {
    return null;
  }
}

/** Why the expression must not run for this alert, or null when it may. */
export function alertExpressionRefusal(expr: string, labels: Record<string, string>): string | null {
  if (expr.length > alertExpressionLimits.maxChars) return `longer than ${alertExpressionLimits.maxChars} characters`;
  const parsed = parsePromql(expr);
  if (!parsed.ok) return `does not parse as PromQL (near character ${parsed.at + 1})`;
  if (parsed.selectors.length === 0) return "selects no series";
  const scope = identifyingLabels.filter((l) => labels[l]).map((l) => ({ label: l, value: labels[l] as string }));
  if (scope.length === 0) return `the alert has none of ${identifyingLabels.join(", ")} to scope it by`;
  for (const s of parsed.selectors) {
    const scoped = s.matchers.some((m) => m.op === "=" && scope.some((p) => p.label === m.label && p.value === m.value));
    if (!scoped) {
      const shown = s.text.length > 120 ? `${s.text.slice(0, 120)}…` : s.text;
      return `selector ${shown} is not scoped to the alert (needs an exact matcher on one of ${scope.map((p) => p.label).join(", ")} equal to the alert's)`;
    }
  }
  return null;
}

/** The `alert_expr` query: to run (with a series cap), or recorded as not run with the reason. */
export function alertExprQuery(alert: NormalizedAlert): MetricQuery[] {
  const expr = exprFromGeneratorUrl(alert.generatorURL);
  if (!expr) return [];
  const base = { id: "alert_expr", title: `${alert.alertname} rule expression`, unit: "value" };
  const refusal = alertExpressionRefusal(expr, alert.labels);
  if (refusal) {
    const shown = expr.length > alertExpressionLimits.maxChars ? `${expr.slice(0, alertExpressionLimits.maxChars)}…` : expr;
    return [{ ...base, query: shown, notRun: `rule expression from generatorURL not run: ${refusal}` }];
  }
  return [{ ...base, query: expr, maxSeries: alertExpressionLimits.maxSeries }];
}
