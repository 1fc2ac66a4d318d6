import { kubectl, kubectlSteps, promqlSteps, text } from "./commands";
import { formatBytes, type Features } from "./features";
import { formatValue } from "./units";
import type { FamilyModule, MetricQuery } from "./families/types";
import type { Finding } from "./report";
import { type Blocker, blockerMeanings, type DecisionLabel } from "./vocabulary";

const podSymptomFamilies = new Set(["crashloop", "pod_not_healthy", "oom_killed"]);

/** Which of A–D apply, from what evidence was actually obtained (not from what was configured). */
export function blockersOf(f: Features, module: FamilyModule, queries: MetricQuery[]): Blocker[] {
  const out: Blocker[] = [];
  const t = f.target;
  const needsPod = module.needs.k8s === "pod" && !t.pod && !t.workload;
  const resolution = f.evidence.k8s.resolution;
  const unresolved = resolution?.status === "unresolved" && f.evidence.k8s.status === "ok";
  // A workload found behind a queue, Service or exporter is the subject, though the alert's own labels named none.
  const anonymous = t.type === "unknown" && f.family !== "meta" && resolution?.status !== "resolved";
  if (anonymous || needsPod || unresolved) out.push("A");
  const wantsK8s = module.needs.k8s !== "none" || !!module.needs.objects?.length || !!resolution || t.type === "pod" || t.type === "workload" || t.type === "node";
  if (wantsK8s && f.evidence.k8s.status !== "ok") out.push("B");
  const hasLogTarget = t.type === "pod" || t.type === "workload" || t.type === "service";
  if (module.needs.logs && hasLogTarget && f.evidence.logs.status !== "ok") out.push("C");
  const m = f.evidence.metrics.status;
  if (queries.some((q) => !q.notRun) && (m === "unavailable" || m === "empty")) out.push("D");
  return out;
}

/** Alert firing while the pod it names is ready and has not restarted inside the window. */
export function isContradicted(f: Features): boolean {
  if (f.alert.status !== "firing") return false;
  if (podSymptomFamilies.has(f.family) && f.evidence.k8s.pod && f.container) {
    return f.evidence.k8s.pod.phase === "Running" && f.ready === true && !f.recentRestart && !f.waitingReason;
  }
  if (f.family === "k8s_rollout_health" && f.evidence.k8s.workload) {
    const w = f.evidence.k8s.workload;
    return w.desired > 0 && w.ready === w.desired && w.updated === w.desired && w.available === w.desired;
  }
  return false;
}

function blockerHelp(b: Blocker, f: Features): string {
  const e = f.evidence;
  switch (b) {
    case "A":
      if (f.evidence.k8s.resolution?.status === "unresolved") return `the workload behind ${f.evidence.k8s.resolution.from} was not found: ${f.evidence.k8s.resolution.reason ?? "nothing matched"}`;
      return "the alert carries no namespace/pod/workload/service/node labels, so nothing specific could be looked up; add them to the alert rule (by (namespace, pod) or a `pod` label)";
    case "B":
      return `Kubernetes context: ${e.k8s.reason ?? "unavailable"}`;
    case "C":
      return `logs: ${e.logs.reason ?? (e.logs.status === "empty" ? "the logs backend returned nothing for this target in the window" : "unavailable")}`;
    case "D":
      return `Prometheus: ${e.metrics.reason ?? (e.metrics.status === "empty" ? "the queries returned no series for these labels (scope mismatch, or the metric is not scraped)" : "unavailable")}`;
  }
}

function evidenceLines(f: Features): string[] {
  const lines: string[] = [];
  const t = f.target;
  lines.push(
    `target: ${t.type}${t.name ? ` ${t.name}` : ""}${t.namespace ? ` in namespace ${t.namespace}` : ""}${t.container ? ` (container ${t.container})` : ""}`,
  );
  lines.push(`alert ${f.alert.alertname} (${f.severity ?? "no severity"}) has been ${f.alert.status} for ${f.firingMinutes} min`);
  const pod = f.evidence.k8s.pod;
  const c = f.container;
  if (pod) {
    const parts = [`pod phase ${pod.phase}`];
    if (c) {
      parts.push(`container ${c.name} ${c.ready ? "ready" : "not ready"}`, `${c.restartCount} restart(s)`);
      if (c.waitingReason) parts.push(`waiting: ${c.waitingReason}`);
      if (c.lastTerminatedReason) parts.push(`last terminated: ${c.lastTerminatedReason} (exit ${c.lastTerminatedExitCode ?? "?"})`);
      if (f.memoryLimitBytes) parts.push(`memory limit ${formatBytes(f.memoryLimitBytes)}`);
    }
    lines.push(parts.join(", "));
  }
  const r = f.evidence.k8s.resolution;
  if (r?.status === "resolved") lines.push(`workload behind ${r.from}: ${r.via.join(" → ")}`);
  for (const d of f.evidence.k8s.dependencies ?? []) lines.push(`dependency ${d.address}: ${d.summary}`);
  const w = f.evidence.k8s.workload;
  if (w) lines.push(`${w.kind} ${w.name}: ${w.ready}/${w.desired} ready, ${w.updated} updated, ${w.available} available`);
  if (f.changes.rolloutInWindow) lines.push(`change: ${f.changes.summary}`);
  const warnings = f.events.filter((e) => e.type === "Warning").slice(0, 3);
  for (const e of warnings) lines.push(`event ${e.reason} ×${e.count}: ${e.message.slice(0, 200)}`);
  if (f.evidence.metrics.status === "ok") {
    const notable = f.evidence.metrics.series.filter((s) => s.stats && s.id !== "alert_firing").slice(0, 4);
    for (const s of notable) {
      lines.push(`${s.title}: last ${human(s.stats?.last, s.unit)}, max ${human(s.stats?.max, s.unit)}`);
    }
  }
  if (f.evidence.logs.status === "ok") {
    const { entries, backend } = f.evidence.logs;
    const top = f.logMatches[0];
    const fromApi = backend === "kubernetes" ? 0 : entries.filter((e) => e.labels.source === "kubernetes").length;
    const origin = fromApi ? `: ${entries.length - fromApi} from ${backend}, ${fromApi} from the Kubernetes API (not in ${backend})` : ` from ${backend}`;
    lines.push(
      `${entries.length} log line(s)${origin}${top ? `; most frequent known pattern: ${top.title} ×${top.count}${top.detail ? ` (${top.detail})` : ""}` : "; no known failure pattern"}`,
    );
  }
  return lines;
}

function human(v: number | undefined | null, unit: string): string {
  return v === undefined || v === null ? "?" : formatValue(v, unit);
}

/** The commands a human runs to find the workload the resolution step could not. */
function findWorkloadSteps(f: Features) {
  const r = f.evidence.k8s.resolution;
  const ns = f.target.namespace;
  const name = f.target.service ?? f.target.name;
  if (r?.strategy === "queue") return ns ? [kubectl`-n ${ns} get deployments,statefulsets -o wide`] : [];
  if (!ns || !name) return [text(`Find the workload behind ${r?.from ?? "the alert"}: its Service's selector, then the pods' owner.`)];
  return [
    kubectl`-n ${ns} get service ${name} -o jsonpath='{.spec.selector}'`,
    kubectl`-n ${ns} get endpointslices -l kubernetes.io/service-name=${name} -o wide`,
    kubectl`-n ${ns} get pods -l app.kubernetes.io/name=${name} -o wide`,
  ];
}

export function round(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return "?";
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Math.round(v * 1000) / 1000);
}

/** Base triage: what we know, what blocks us, and the copy/paste steps to learn the rest (PromQL first). */
export function decide(
  f: Features,
  queries: MetricQuery[],
  blockers: Blocker[],
): Finding & { label: DecisionLabel } {
  const why = evidenceLines(f);
  for (const b of blockers) why.push(`blocked ${b} (${blockerMeanings[b]}): ${blockerHelp(b, f)}`);
  let label: DecisionLabel;
  if (f.family === "meta") label = "meta_signal";
  else if (isContradicted(f)) {
    label = "recovered_or_artifact";
    why.unshift("the alert is firing but the target looks healthy now: ready, running, no restart inside the window");
  } else if (!f.available.k8s && !f.available.metrics && !f.available.logs) label = "blocked_no_evidence";
  else if (blockers.length > 0) label = "partial_evidence";
  else label = "evidence_collected";
  const restarted = f.restarts > 0 || !f.evidence.k8s.pod;
  const steps = [
    ...promqlSteps(queries.filter((q) => q.id !== "alert_firing")),
    ...kubectlSteps(f.target, { previousLogs: restarted }),
  ];
  if (f.evidence.k8s.resolution?.status === "unresolved") steps.push(...findWorkloadSteps(f));
  // When the alert named its subject and the lookup failed, asking for labels would mislead.
  if (blockers.includes("A") && f.evidence.k8s.resolution?.status !== "unresolved") {
    steps.push(text("Add namespace and pod (or service/node) labels to the alert rule so Tarka can find the target."));
  }
  if (steps.length === 0) steps.push(text("Open the alert's source expression in Prometheus and check which series fire."));
  return { label, why, next: steps.map((s) => s.text), steps };
}
