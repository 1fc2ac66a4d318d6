import { kubectl, nsFlag, placeholder, promql } from "../commands";
import type { Features } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { reason } from "../scores";
import { isOomTermination } from "./crashloop";
import { hypothesis, logHypotheses, noPatternInLogs, previousLogsStep, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function jobName(t: Target): string | null {
  return t.workload?.kind === "Job" ? t.workload.name : null;
}

function queries(t: Target): MetricQuery[] {
  const name = jobName(t);
  if (!name || !t.namespace) return [];
  const sel = selector({ namespace: t.namespace, job_name: name });
  return [{ id: "job_failed_pods", title: `Failed pods of job ${name}`, unit: "pods", query: `max(kube_job_status_failed${sel})` }];
}

function diagnose(f: Features): EnrichmentDraft | null {
  const t = f.target;
  const name = jobName(t) ?? placeholder("job");
  const ns = nsFlag(t.namespace);
  const w = f.evidence.k8s.workload;
  const steps = [kubectl`${ns}describe job ${name}`, kubectl`${ns}logs job/${name} --tail=200`, ...previousLogsStep(f)];
  const failedCond = w?.conditions.find((c) => c.type === "Failed" && c.status === "True");
  if (failedCond?.reason === "DeadlineExceeded") {
    return { label: "job_deadline_exceeded", why: [`Job condition Failed: DeadlineExceeded — ${failedCond.message ?? "activeDeadlineSeconds reached"}`], steps };
  }
  if (isOomTermination(f)) {
    return { label: "job_oom", why: [`pod ${f.evidence.k8s.pod?.name} was ${f.lastTerminatedReason ?? "killed"} (exit ${f.lastExitCode ?? "?"})`], steps };
  }
  if (f.lastExitCode !== null && f.lastExitCode !== 0) {
    const top = f.logMatches[0];
    return {
      label: `job_failed_exit_${f.lastExitCode}`,
      why: [`pod ${f.evidence.k8s.pod?.name} exited with code ${f.lastExitCode}${f.lastTerminatedReason ? ` (${f.lastTerminatedReason})` : ""}`, ...(top ? [`logs: ${top.title}: "${top.sample.slice(0, 160)}"`] : [])],
      steps,
    };
  }
  if ((w?.job?.failed ?? 0) > 0 || failedCond) {
    return { label: "job_failed", why: [`Job ${name}: ${w?.job?.failed ?? "?"} failed pod(s)${failedCond ? `, condition ${failedCond.reason ?? "Failed"}` : ""}; the failing pod's exit code was not found`], steps };
  }
  return null;
}

export const jobFailed: FamilyModule = {
  family: "job_failed",
  needs: { k8s: "workload", logs: true },
  queries,
  enrich: (f) => diagnose(f) ?? unknownEnrichment(f, queries(f.target), ["the Job's status, its failed pod and that pod's exit code"]),
  reasons(f: Features) {
    const failed = f.evidence.k8s.workload?.job?.failed ?? 0;
    return failed > 0 ? [reason("job_failed", 15, `${failed} failed pod(s)`)] : [];
  },
  hypotheses(f: Features) {
    const out = logHypotheses(f, 55);
    const d = diagnose(f);
    if (d?.label === "job_oom") out.push(hypothesis({ id: "job_oom", category: "oom", title: "Job pod ran out of memory", confidence: 85, why: d.why, nextTests: [promql(`max(container_memory_working_set_bytes${selector({ namespace: f.target.namespace, pod: f.evidence.k8s.pod?.name })})`).text] }));
    if (d?.label === "job_deadline_exceeded") out.push(hypothesis({ id: "job_deadline", category: "saturation", title: "Job ran longer than its activeDeadlineSeconds", confidence: 80, why: d.why }));
    if (d && out.length === 0) out.push(hypothesis({ id: "job_exit", category: "app_crash", title: `Job's process failed (${d.label})`, confidence: 50, why: d.why, counter: [noPatternInLogs(f)] }));
    return out.length ? out : [unknownHypothesis(f, "job status and exit code unknown")];
  },
};
