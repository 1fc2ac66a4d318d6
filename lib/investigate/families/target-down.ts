import { kubectl, promql, sh, text } from "../commands";
import { type Features, stat } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { type Finding, findingsModule } from "./findings";
import type { MetricQuery } from "./types";

function queries(t: Target): MetricQuery[] {
  if (!t.job) return [];
  const job = selector({ job: t.job, namespace: t.namespace });
  return [
    { id: "targets_down", title: `Targets of job ${t.job} down`, unit: "targets", query: `sum(1 - up${job})` },
    { id: "targets_total", title: `Targets of job ${t.job}`, unit: "targets", query: `count(up${job})` },
  ];
}

function findings(f: Features): Finding[] {
  const down = stat(f, "targets_down");
  const total = stat(f, "targets_total");
  // No target down anywhere in the window: there is no endpoint to blame.
  if (!down || !total || total.last <= 0 || down.max <= 0) return [];
  const t = f.target;
  const share = down.last / total.last;
  const why = [`${down.last} of ${total.last} targets of job ${t.job} are down now (peak ${down.max})`];
  if (share >= 0.5 && total.last > 1) {
    return [
      {
        label: "suspected_job_wide_scrape_failure",
        category: "scrape_failure",
        title: "Scraping fails for the whole job",
        confidence: 75,
        why: [...why, "most targets fail together: scrape config, network policy, TLS/auth or service discovery rather than one process"],
        steps: [promql(`up${selector({ job: t.job })} == 0`), text("Open Prometheus → Status → Targets and read the scrape error of this job."), promql(`scrape_duration_seconds${selector({ job: t.job })}`)],
      },
    ];
  }
  return [
    {
      label: "suspected_single_endpoint_down",
      category: "app_crash",
      title: t.instance ? `Endpoint ${t.instance} is down or unreachable` : "Endpoint is down or unreachable",
      confidence: 75,
      why,
      counter: [`the other ${total.last - down.last} target(s) of job ${t.job} answer: scrape config and network are fine for them`],
      steps: [
        promql(`up${selector({ job: t.job })} == 0`),
        ...(t.instance ? [text(`Check the endpoint directly: ${sh`curl -sS -m 5 http://${t.instance}/metrics | head`}`)] : []),
        ...(t.namespace ? [kubectl`-n ${t.namespace} get pods -o wide`] : []),
      ],
    },
  ];
}

export const targetDown = findingsModule({
  family: "target_down",
  needs: { k8s: "none", logs: false },
  queries,
  findings,
  unknowns: (f) => [f.target.job ? `how many targets of job ${f.target.job} are down` : "the alert has no job label, so the scrape job is unknown"],
});
