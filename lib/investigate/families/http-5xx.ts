import { promqlSteps } from "../commands";
import { type Features, stat } from "../features";
import { reason } from "../scores";
import type { Target } from "../report";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { hypothesis, logHypotheses, unknownEnrichment, unknownHypothesis } from "./shared";
import { alertExprQuery } from "../alert-expression";
import { dependencyFinding, requestRateQuery, rolloutFinding, rolloutHypothesis, seriesLine, serviceSelector } from "./service-signals";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const sel = serviceSelector(t);
  const errSel = sel === "{}" ? '{code=~"5.."}' : `${sel.slice(0, -1)},code=~"5.."}`;
  return [
    ...alertExprQuery(alert),
    { id: "error_ratio", title: "5xx share of requests", unit: "ratio", query: `sum(rate(http_requests_total${errSel}[5m])) / sum(rate(http_requests_total${sel}[5m]))`, threshold: 0.05 },
    requestRateQuery(t),
  ];
}

function diagnose(f: Features): EnrichmentDraft | null {
  const rollout = rolloutFinding(f);
  if (rollout) return rollout;
  const dep = dependencyFinding(f, "suspected_dependency_failure", ["dependency_unavailable", "dependency_latency", "database_slow"]);
  if (dep) return dep;
  const net = dependencyFinding(f, "suspected_infra_network", ["network", "cert_expiry"]);
  if (net) return net;
  const app = dependencyFinding(f, "suspected_app_errors", ["app_crash", "config_error", "permission_error", "oom", "bad_rollout", "disk_full"]);
  if (app) return app;
  if (f.restarts > 0 || f.ready === false) {
    return { label: "suspected_app_errors", why: [`serving pod ${f.target.pod} ${f.ready === false ? "is not ready" : ""} with ${f.restarts} restart(s)`], steps: promqlSteps(queries(f.target, f.alert)) };
  }
  return null;
}

const categoryOf: Record<string, Parameters<typeof hypothesis>[0]["category"]> = {
  suspected_dependency_failure: "dependency_unavailable",
  suspected_infra_network: "network",
  suspected_app_errors: "app_crash",
};

export const http5xx: FamilyModule = {
  family: "http_5xx",
  needs: { k8s: "none", logs: true },
  queries,
  enrich: (f) =>
    diagnose(f) ??
    unknownEnrichment(f, queries(f.target, f.alert), [
      seriesLine(f, "error_ratio") ?? "the 5xx share over the window",
      "which upstream or code path returns the errors (no known pattern in logs, no rollout in the window)",
    ]),
  reasons(f: Features) {
    const ratio = stat(f, "error_ratio");
    return ratio && ratio.last >= 0.05 ? [reason("user_facing_errors", 15, `${(ratio.last * 100).toFixed(1)}% of requests fail with 5xx`)] : [];
  },
  hypotheses(f: Features) {
    const out = [...rolloutHypothesis(f, "The latest rollout introduced the errors"), ...logHypotheses(f, 50)];
    const d = diagnose(f);
    const category = d ? categoryOf[d.label] : undefined;
    if (d && category && !out.some((h) => h.category === category)) {
      out.push(hypothesis({ id: d.label, category, title: d.label.replace(/^suspected_/, "").replace(/_/g, " "), confidence: 55, why: d.why }));
    }
    return out.length ? out : [unknownHypothesis(f, "error source unknown")];
  },
};
