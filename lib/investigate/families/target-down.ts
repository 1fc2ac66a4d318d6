import { kubectl, promql, sh, text } from "../commands";
import { type Features, stat } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { hypothesis, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function queries(t: Target): MetricQuery[] {
  if (!t.job) return [];
  const job = selector({ job: t.job, namespace: t.namespace });
  return [
    { id: "targets_down", title: `Targets of job ${t.job} down`, unit: "targets", query: `sum(1 - up${job})` },
    { id: "targets_total", title: `Targets of job ${t.job}`, unit: "targets", query: `count(up${job})` },
  ];
}

function diagnose(f: Features): EnrichmentDraft | null {
  const down = stat(f, "targets_down");
  const total = stat(f, "targets_total");
  // No target down anywhere in the window: there is no endpoint to blame.
  if (!down || !total || total.last <= 0 || down.max <= 0) return null;
  const t = f.target;
  const share = down.last / total.last;
  const why = [`${down.last} of ${total.last} targets of job ${t.job} are down now (peak ${down.max})`];
  if (share >= 0.5 && total.last > 1) {
    return {
      label: "suspected_job_wide_scrape_failure",
      why: [...why, "most targets fail together: scrape config, network policy, TLS/auth or service discovery rather than one process"],
      steps: [promql(`up${selector({ job: t.job })} == 0`), text("Open Prometheus → Status → Targets and read the scrape error of this job."), promql(`scrape_duration_seconds${selector({ job: t.job })}`)],
    };
  }
  return {
    label: "suspected_single_endpoint_down",
    why,
    steps: [
      promql(`up${selector({ job: t.job })} == 0`),
      ...(t.instance ? [text(`Check the endpoint directly: ${sh`curl -sS -m 5 http://${t.instance}/metrics | head`}`)] : []),
      ...(t.namespace ? [kubectl`-n ${t.namespace} get pods -o wide`] : []),
    ],
  };
}

export const targetDown: FamilyModule = {
  family: "target_down",
  needs: { k8s: "none", logs: false },
  queries,
  enrich: (f) => diagnose(f) ?? unknownEnrichment(f, queries(f.target), [f.target.job ? `how many targets of job ${f.target.job} are down` : "the alert has no job label, so the scrape job is unknown"]),
  hypotheses(f: Features) {
    const d = diagnose(f);
    if (!d) return [unknownHypothesis(f, "scrape state unknown")];
    const jobWide = d.label === "suspected_job_wide_scrape_failure";
    return [
      hypothesis({
        id: d.label,
        category: jobWide ? "scrape_failure" : "app_crash",
        title: jobWide ? "Scraping fails for the whole job" : `Endpoint ${f.target.instance ?? ""} is down or unreachable`.replace("  ", " "),
        confidence: 75,
        why: d.why,
        nextTests: d.steps.map((s) => s.text),
      }),
    ];
  },
};
