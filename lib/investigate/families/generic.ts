import type { NormalizedAlert } from "@/lib/alerts/schema";
import { alertExprQuery } from "../alert-expression";
import type { Features } from "../features";
import type { Target } from "../report";
import { findingsModule } from "./findings";
import { podQueries } from "./shared";
import type { MetricQuery } from "./types";

function queries(target: Target, alert: NormalizedAlert): MetricQuery[] {
  return [...alertExprQuery(alert), ...podQueries(target)];
}

function unknowns(f: Features): string[] {
  const top = f.logMatches[0];
  return [
    `no dedicated investigation exists for ${f.alert.alertname}; read the rule expression and its runbook`,
    ...(top ? [`logs show ${top.title} ×${top.count}${top.detail ? ` (${top.detail})` : ""}, but nothing ties it to this alert yet`] : []),
  ];
}

/** Anything without a dedicated family: the alert's own expression, pod basics and log patterns, no finding of its own. */
export const generic = findingsModule({
  family: "generic",
  needs: { k8s: "none", logs: true },
  queries,
  findings: () => [],
  unknowns,
  logConfidence: 40,
});
