import { describe, expect, it } from "vitest";
import type { Providers } from "@/lib/investigate/providers/types";
import type { Report } from "@/lib/investigate/report";
import { alertOf, containerOf, failing, investigate, kubeOf, podOf, workloadOf } from "@/test/helpers/engine-providers";

// What a job_failed report may say about logs, by which provider answered; the job diagnoses
// themselves are real-peer scenarios in test/scenarios/families.ts.

const job = "nightly-report-29123";
const labels = { alertname: "KubeJobFailed", severity: "warning", namespace: "batch", job_name: job };
const failedPod = podOf({
  namespace: "batch",
  name: `${job}-x7k2p`,
  phase: "Failed",
  owner: { kind: "Job", name: job },
  labels: { "job-name": job },
  containers: [containerOf({ name: "report", ready: false, state: "terminated", lastTerminatedReason: "Error", lastTerminatedExitCode: 2, lastTerminatedAt: "2026-11-23T11:50:00.000Z" })],
});
const failedJob = workloadOf({
  kind: "Job",
  namespace: "batch",
  name: job,
  desired: 1,
  ready: 0,
  updated: 0,
  available: 0,
  conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }],
  job: { active: 0, succeeded: 0, failed: 3 },
});

/** Everything the report says in prose: decision, enrichment and every hypothesis. */
function said(report: Report): string {
  const a = report.analysis;
  return [...a.decision.why, ...a.enrichment.why, ...a.hypotheses.flatMap((h) => [h.title, ...h.why, ...h.counter])].join("\n");
}

describe("job_failed honest wording", () => {
  const cases: Array<[string, Partial<Providers>, RegExp]> = [
    ["no logs backend is configured", { kubernetes: kubeOf({ pod: failedPod, workload: failedJob }) }, /logs were not read \(no logs backend configured/],
    ["the logs backend errors", { kubernetes: kubeOf({ pod: failedPod, workload: failedJob }), logs: failing.logs }, /logs were not read \(logs query error: connect ECONNREFUSED/],
  ];

  it.each(cases)("never claims a log pattern search when %s and the pod's logs could not be read either", async (_case, providers, notRead) => {
    const report = await investigate(alertOf(labels), providers);
    expect(report.family).toBe("job_failed");
    expect(report.evidence.logs.status).toBe("unavailable");
    expect(report.evidence.logs.entries).toEqual([]);
    expect(report.analysis.blockers).toContain("C");
    // The exit code is still diagnosed, from the pod status alone.
    expect(report.analysis.enrichment.label).toBe("job_failed_exit_2");
    const top = report.analysis.hypotheses[0];
    expect(top?.id).toBe("job_failed_exit_2");
    expect(said(report)).not.toMatch(/no known failure pattern/);
    expect(said(report)).not.toMatch(/in the (\d+ )?log line\(s\) read|logs read show/);
    expect(top?.counter.join("\n")).toMatch(notRead);
  });

  it("says how many lines it read when the failed pod's own logs came from the Kubernetes API", async () => {
    const report = await investigate(alertOf(labels), {
      kubernetes: kubeOf({ pod: failedPod, workload: failedJob, logs: ["starting report", "wrote 0 rows"] }),
      logs: failing.logs,
    });
    expect(report.evidence.logs.status).toBe("ok");
    expect(report.evidence.logs.backend).toBe("kubernetes");
    const top = report.analysis.hypotheses[0];
    expect(top?.id).toBe("job_failed_exit_2");
    expect(top?.counter).toContain("no known failure pattern in the 2 log line(s) read");
    expect(said(report)).not.toMatch(/logs were not read/);
  });
});
