import { alertExprQuery } from "../alert-expression";
import type { Features } from "../features";
import { logHypotheses, podQueries, unknownEnrichment, unknownHypothesis } from "./shared";
import type { FamilyModule, MetricQuery } from "./types";

function queries(target: Parameters<FamilyModule["queries"]>[0], alert: Parameters<FamilyModule["queries"]>[1]): MetricQuery[] {
  return [...alertExprQuery(alert), ...podQueries(target)];
}

/** Anything without a dedicated family: the alert's own expression, pod basics and log patterns. */
export const generic: FamilyModule = {
  family: "generic",
  needs: { k8s: "none", logs: true },
  queries,
  enrich(f: Features) {
    const top = f.logMatches[0];
    const unknowns = [
      `no dedicated investigation exists for ${f.alert.alertname}; read the rule expression and its runbook`,
    ];
    if (top) unknowns.push(`logs show ${top.title} ×${top.count}${top.detail ? ` (${top.detail})` : ""}, but nothing ties it to this alert yet`);
    return unknownEnrichment(f, queries(f.target, f.alert), unknowns);
  },
  hypotheses(f: Features) {
    const fromLogs = logHypotheses(f, 40);
    return fromLogs.length ? fromLogs : [unknownHypothesis(f, "no dedicated investigation for this alert")];
  },
};
