import type { Hypothesis, Report } from "@/lib/investigate/report";
import type { HypothesisCategory } from "@/lib/investigate/vocabulary";
import type { ActionRisk } from "@/lib/db/schema/constants";
import { actionSpecSchema, defaultPreconditions, defaultRisk, shellCommand, type ActionSpec } from "./action-command";

/** A proposal derived from a report, before it is stored. */
export type DerivedProposal = { spec: ActionSpec; risk: ActionRisk; preconditions: string[]; evidence: string[]; rationale: string };

/** Hypotheses weaker than this motivate no change. */
const MIN_CONFIDENCE = 40;
const SILENCE_MINUTES = 120;

const restartHelps = new Set<HypothesisCategory>(["memory_leak", "dependency_unavailable", "queue_starvation", "cache_eviction"]);
const scaleHelps = new Set<HypothesisCategory>(["saturation", "queue_starvation"]);
const limitFor: Partial<Record<HypothesisCategory, "memory" | "cpu">> = { oom: "memory", memory_leak: "memory", cpu_limit: "cpu" };

function evidenceOf(h: Hypothesis): string[] {
  return [`${h.title} (${h.category}, ${h.confidence}%)`, ...h.why.slice(0, 3)];
}

/** A limit 50 % higher, in the unit it was written in; null for a value we cannot read. */
function raised(quantity: string): string | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (!m) return null;
  const value = Math.ceil(Number(m[1]) * 1.5);
  return `${value}${m[2] ?? ""}`;
}

/**
 * The workload to act on: the target's, the one Kubernetes returned, or the Deployment a pod's
 * ReplicaSet belongs to by the Deployment controller's naming (`<deployment>-<pod-template-hash>`),
 * which is then stated as a precondition to check.
 */
function ownerWorkload(report: Report): { workload: { kind: string; name: string }; inferredFrom: string | null } | null {
  if (report.target.workload) return { workload: report.target.workload, inferredFrom: null };
  const k8s = report.evidence.k8s;
  if (k8s.workload) return { workload: { kind: k8s.workload.kind, name: k8s.workload.name }, inferredFrom: null };
  const pod = k8s.pod;
  const rs = pod?.owner?.kind === "ReplicaSet" ? pod.owner.name : null;
  const deployment = rs ? /^(.+)-[a-z0-9]{5,10}$/.exec(rs)?.[1] : undefined;
  if (!pod || !rs || !deployment) return null;
  const check = shellCommand(["kubectl", "-n", pod.namespace, "get", "replicaset", rs, "-o", "jsonpath={.metadata.ownerReferences[0].name}"]);
  return {
    workload: { kind: "Deployment", name: deployment },
    inferredFrom: `ReplicaSet ${rs} belongs to deployment/${deployment} (inferred from its name; check: ${check})`,
  };
}

/**
 * Turns a report's ranked hypotheses into action proposals a human can approve: restart, roll back
 * to the previous revision, scale, raise a limit, delete a stuck pod, silence a noisy alert. Every
 * value in a proposal comes from the evidence; a proposal whose arguments are not valid names is dropped.
 */
export function deriveActionProposals({ input }: { input: { report: Report } }): DerivedProposal[] {
  const { report } = input;
  const { target } = report;
  const { k8s } = report.evidence;
  const namespace = target.namespace;
  const owner = ownerWorkload(report);
  const workload = owner?.workload ?? null;
  const out: DerivedProposal[] = [];
  const seen = new Set<string>();
  const add = (candidate: unknown, h: Hypothesis | null, rationale: string, evidence: string[] = []) => {
    const parsed = actionSpecSchema.safeParse(candidate);
    if (!parsed.success) return;
    const spec = parsed.data;
    const key = JSON.stringify(spec);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({
      spec,
      risk: defaultRisk(spec),
      preconditions: [...defaultPreconditions(spec), ...("workload" in spec && owner?.inferredFrom ? [owner.inferredFrom] : [])],
      evidence: [...(h ? evidenceOf(h) : []), ...evidence].slice(0, 8),
      rationale,
    });
  };

  const strong = report.analysis.hypotheses.filter((h) => h.confidence >= MIN_CONFIDENCE).slice(0, 3);
  for (const h of strong) {
    if (h.category === "bad_rollout" && workload && namespace) {
      const previous = report.analysis.changes.revisions[1];
      const toRevision = previous && /^\d+$/.test(previous.revision) ? Number(previous.revision) : undefined;
      add(
        { kind: "rollback", namespace, workload, ...(toRevision ? { toRevision } : {}) },
        h,
        "The alert follows a rollout; going back to the previous revision tests that and restores service.",
        [report.analysis.changes.summary, ...(previous ? [`previous revision ${previous.revision}: ${previous.images.join(", ")}`] : [])],
      );
    }
    const resource = limitFor[h.category];
    if (resource && workload && namespace) {
      for (const c of k8s.pod?.containers ?? []) {
        const current = c.limits[resource];
        const value = current ? raised(current) : null;
        if ((target.container && c.name !== target.container) || !value) continue;
        const memory = resource === "memory";
        add(
          { kind: "raise_limit", namespace, workload, container: c.name, resource, value },
          h,
          memory
            ? `Container ${c.name} runs into its memory limit ${current}; 50 % more headroom stops the kills while the cause is found.`
            : `Container ${c.name} is throttled at its CPU limit ${current}.`,
          [memory ? `memory limit ${current}, last termination ${c.lastTerminatedReason ?? "unknown"}` : `cpu limit ${current}`],
        );
      }
    }
    if (restartHelps.has(h.category) && workload && namespace) {
      add({ kind: "rollout_restart", namespace, workload }, h, "A rolling restart clears the state the hypothesis points at (leaked memory, stale connections, stuck consumers).");
    }
    if (scaleHelps.has(h.category) && k8s.workload && namespace && (k8s.workload.kind === "Deployment" || k8s.workload.kind === "StatefulSet")) {
      const desired = k8s.workload.desired;
      if (desired > 0) {
        add(
          { kind: "scale", namespace, workload: { kind: k8s.workload.kind, name: k8s.workload.name }, replicas: desired + Math.max(1, Math.ceil(desired / 2)) },
          h,
          `The workload is saturated at ${desired} replicas; more replicas share the load.`,
          [`desired ${desired}, ready ${k8s.workload.ready}`],
        );
      }
    }
  }

  const pod = k8s.pod;
  if (pod?.deletionTimestamp && namespace) {
    add(
      { kind: "delete_pod", namespace, pod: pod.name, force: true },
      null,
      "The pod has been terminating since its deletion was requested; a forced delete lets its controller replace it.",
      [`pod ${pod.namespace}/${pod.name} deletionTimestamp ${pod.deletionTimestamp}, phase ${pod.phase}`],
    );
  }

  const verdict = report.analysis.verdict;
  const noisy = verdict.classification === "noisy" || verdict.classification === "artifact" || report.analysis.noise.flapping === true;
  if (noisy && !report.analysis.noise.silencedOrInhibited) {
    const labels = report.alert.labels;
    const matchers = ["alertname", "namespace", "service", "pod", "job", "instance"]
      .filter((name) => labels[name])
      .map((name) => ({ name, value: labels[name] as string }));
    add(
      { kind: "silence", matchers, durationMinutes: SILENCE_MINUTES, comment: `Tarka: ${verdict.classification} alert (${verdict.primaryDriver})` },
      report.analysis.hypotheses.find((h) => h.category === "noise") ?? null,
      `The report classifies this alert as ${verdict.classification}; a silence with an expiry stops the pages while the rule is fixed.`,
      [verdict.oneLiner, ...report.analysis.noise.notes.slice(0, 2)],
    );
  }
  return out;
}
