import { kubectl, nsFlag, placeholder, promql, text } from "../commands";
import type { Features } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { reason } from "../scores";
import { cronJobHistory } from "../workload/job-runs";
import { isOomTermination } from "./crashloop";
import { type Finding, findingsModule } from "./findings";
import { noPatternInLogs, previousLogsStep } from "./shared";
import type { MetricQuery } from "./types";

function jobName(t: Target): string | null {
  return t.workload?.kind === "Job" ? t.workload.name : null;
}

function queries(t: Target): MetricQuery[] {
  const name = jobName(t);
  if (!name || !t.namespace) return [];
  const sel = selector({ namespace: t.namespace, job_name: name });
  return [{ id: "job_failed_pods", title: `Failed pods of job ${name}`, unit: "pods", query: `max(kube_job_status_failed${sel})` }];
}

/** The failed pods' exit codes and reasons, counted: `exit 2 (Error) ×6`. */
function exitSummary(f: Features): string | null {
  const counts = new Map<string, number>();
  for (const p of f.evidence.k8s.siblings) {
    if (p.phase !== "Failed" || p.exitCode === undefined) continue;
    const key = `exit ${p.exitCode}${p.reason ? ` (${p.reason})` : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts.size ? `failed pods: ${[...counts].map(([k, n]) => `${k} ×${n}`).join(", ")}` : null;
}

/** The last lines the failed pod printed (its own words), when logs were read. */
function lastLines(f: Features): string | null {
  const lines = f.evidence.logs.entries.map((e) => e.line.trim()).filter(Boolean).slice(-3);
  return lines.length ? `last log lines: ${lines.map((l) => `"${l.slice(0, 160)}"`).join(" | ")}` : null;
}

function steps(f: Features) {
  const name = jobName(f.target) ?? placeholder("job");
  const ns = nsFlag(f.target.namespace);
  const cron = f.evidence.k8s.objects?.cronJob;
  return [
    kubectl`${ns}describe job ${name}`,
    kubectl`${ns}logs job/${name} --tail=200`,
    ...previousLogsStep(f),
    ...(cron ? [kubectl`${ns}get jobs --sort-by=.status.startTime`, kubectl`${ns}get cronjob ${cron.name} -o yaml`] : []),
  ];
}

function findings(f: Features): Finding[] {
  const t = f.target;
  const name = jobName(t) ?? "?";
  const w = f.evidence.k8s.workload;
  const pod = f.evidence.k8s.pod;
  const cron = f.evidence.k8s.objects?.cronJob;
  const history = cron ? cronJobHistory(cron, name) : [];
  const context = [exitSummary(f), ...history].filter((x): x is string => !!x);
  const failedCond = w?.conditions.find((c) => c.type === "Failed" && c.status === "True");
  const out: Finding[] = [];
  if (failedCond?.reason === "DeadlineExceeded") {
    out.push({ label: "job_deadline_exceeded", category: "saturation", title: "Job ran longer than its activeDeadlineSeconds", confidence: 80, why: [`Job condition Failed: DeadlineExceeded — ${failedCond.message ?? "activeDeadlineSeconds reached"}`, ...context], steps: steps(f) });
  }
  if (isOomTermination(f)) {
    out.push({
      label: "job_oom",
      category: "oom",
      title: "Job pod ran out of memory",
      confidence: 85,
      why: [`pod ${pod?.name} was ${f.lastTerminatedReason ?? "killed"} (exit ${f.lastExitCode ?? "?"})`, ...context],
      steps: [...steps(f), promql(`max(container_memory_working_set_bytes${selector({ namespace: t.namespace, pod: pod?.name })})`)],
    });
  } else if (f.lastExitCode !== null && f.lastExitCode !== 0) {
    const top = f.logMatches[0];
    const lines = lastLines(f);
    out.push({
      label: `job_failed_exit_${f.lastExitCode}`,
      category: top?.category ?? "app_crash",
      title: top ? `Job's process failed: ${top.title}${top.detail ? ` (${top.detail})` : ""}` : `Job's process exited with code ${f.lastExitCode}`,
      confidence: top ? 80 : 55,
      why: [
        `pod ${pod?.name} exited with code ${f.lastExitCode}${f.lastTerminatedReason ? ` (${f.lastTerminatedReason})` : ""}`,
        ...(top ? [`logs: ${top.title}: "${top.sample.slice(0, 160)}"`] : []),
        ...(lines ? [lines] : []),
        ...context,
      ],
      counter: top ? [] : [noPatternInLogs(f)],
      steps: steps(f),
    });
    const changed = history.find((h) => h.startsWith("image changed"));
    if (changed) {
      out.push({ label: "job_failed", category: "bad_rollout", title: "The Job's image changed since its last successful run", confidence: top ? 60 : 65, why: [changed], steps: [text(`Compare the two images' changes; rerun with the last good image if it is the cause.`), ...steps(f)] });
    }
  } else if ((w?.job?.failed ?? 0) > 0 || failedCond) {
    out.push({
      label: "job_failed",
      category: "app_crash",
      title: "Job failed; its failing pod was not found",
      confidence: 40,
      why: [`Job ${name}: ${w?.job?.failed ?? "?"} failed pod(s)${failedCond ? `, condition ${failedCond.reason ?? "Failed"}` : ""}`, ...context],
      counter: ["the failing pod's exit code was not found (pods already deleted, or ttlSecondsAfterFinished)"],
      steps: steps(f),
    });
  }
  return out;
}

export const jobFailed = findingsModule({
  family: "job_failed",
  needs: { k8s: "workload", logs: true, resolve: true },
  queries,
  findings,
  unknowns: () => ["the Job's status, its failed pod and that pod's exit code"],
  reasons(f: Features) {
    const failed = f.evidence.k8s.workload?.job?.failed ?? 0;
    return failed > 0 ? [reason("job_failed", 15, `${failed} failed pod(s)`)] : [];
  },
});
