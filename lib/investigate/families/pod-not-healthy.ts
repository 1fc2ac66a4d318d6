import { kubectl, nsFlag, placeholder, type Shell, text } from "../commands";
import { type Features, hasEvent } from "../features";
import type { Hypothesis, Target } from "../report";
import { crashDiagnosis, crashHypotheses, isOomTermination } from "./crashloop";
import { hypothesis, podQueries, previousLogsStep, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule } from "./types";

const pullReasons = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"]);
const configReasons = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);
const STUCK_TERMINATING_MS = 5 * 60_000;

function ns(t: Target): Shell {
  return nsFlag(t.namespace);
}

function diagnose(f: Features): EnrichmentDraft | null {
  const t = f.target;
  const pod = f.evidence.k8s.pod;
  const pull = hasEvent(f, "Failed", "ErrImagePull", "BackOff");
  if ((f.waitingReason && pullReasons.has(f.waitingReason)) || (pull && /pull/i.test(pull.message))) {
    return {
      label: "suspected_image_pull_backoff",
      why: [`container ${f.container?.name ?? "?"} waiting: ${f.waitingReason ?? pull?.reason}${f.container?.waitingMessage ? ` — ${f.container.waitingMessage}` : ""}`, ...(pull ? [`event: ${pull.message}`] : []), `image: ${f.container?.image ?? "?"}`],
      steps: [
        kubectl`${ns(t)}describe pod ${t.pod ?? placeholder("pod")}`,
        kubectl`${ns(t)}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.imagePullSecrets}'`,
        text(`Check that the tag ${f.container?.image ?? placeholder("image")} exists and the pull secret grants access to its registry.`),
      ],
    };
  }
  const mount = hasEvent(f, "FailedMount");
  if ((f.waitingReason && configReasons.has(f.waitingReason)) || mount) {
    return {
      label: "suspected_config_error",
      why: [f.waitingReason ? `container waiting: ${f.waitingReason}${f.container?.waitingMessage ? ` — ${f.container.waitingMessage}` : ""}` : `event FailedMount: ${mount?.message}`],
      steps: [kubectl`${ns(t)}describe pod ${t.pod ?? placeholder("pod")}`, kubectl`${ns(t)}get configmap,secret`],
    };
  }
  if (isOomTermination(f)) {
    return { label: "suspected_oomkill", why: [`last termination ${f.lastTerminatedReason} exit ${f.lastExitCode ?? "?"}`], steps: previousLogsStep(f) };
  }
  const sched = hasEvent(f, "FailedScheduling", "Evicted", "Preempted");
  if ((pod?.phase === "Pending" && sched) || sched?.reason === "Evicted" || f.nodeConditions.length > 0 || f.nodeReady === false) {
    return {
      label: "suspected_scheduling_or_node_pressure",
      why: [
        ...(sched ? [`event ${sched.reason}: ${sched.message}`] : []),
        ...(f.nodeConditions.length ? [`node ${pod?.nodeName ?? "?"}: ${f.nodeConditions.join(", ")}`] : []),
        ...(f.nodeReady === false ? [`node ${pod?.nodeName ?? "?"} is not Ready`] : []),
      ],
      steps: [kubectl`describe node ${pod?.nodeName ?? placeholder("node")}`, kubectl`${ns(t)}describe pod ${t.pod ?? placeholder("pod")}`, kubectl`get nodes -o wide`],
    };
  }
  if (pod?.deletionTimestamp && f.window.endMs - Date.parse(pod.deletionTimestamp) > STUCK_TERMINATING_MS) {
    return {
      label: "suspected_stuck_terminating",
      why: [`deletion requested at ${pod.deletionTimestamp} and the pod is still there`],
      steps: [kubectl`${ns(t)}get pod ${t.pod} -o jsonpath='{.metadata.finalizers}'`, kubectl`describe node ${pod.nodeName ?? placeholder("node")}`],
    };
  }
  if (f.waitingReason === "CrashLoopBackOff" || f.probe.liveness) {
    const crash = crashDiagnosis(f, podQueries(t));
    return {
      label: "suspected_crashloop_or_probe_failure",
      why: [`container ${f.container?.name ?? "?"}: ${f.waitingReason ?? "restarting"}, ${f.restarts} restart(s)`, ...(crash ? [`crash reading: ${crash.label}`, ...crash.why] : [])],
      steps: crash?.steps ?? previousLogsStep(f),
    };
  }
  if (f.probe.readiness || (f.ready === false && pod?.phase === "Running")) {
    return {
      label: "suspected_readiness_failure",
      why: [f.probe.readiness ? `event: ${f.probe.readiness}` : `container ${f.container?.name ?? "?"} is running but not ready`],
      steps: [kubectl`${ns(t)}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].readinessProbe}'`, ...previousLogsStep(f)],
    };
  }
  return null;
}

function hypotheses(f: Features): Hypothesis[] {
  const d = diagnose(f);
  const out = crashHypotheses(f);
  const map: Record<string, Hypothesis["category"]> = {
    suspected_image_pull_backoff: "image_pull",
    suspected_config_error: "config_error",
    suspected_scheduling_or_node_pressure: "scheduling",
    suspected_stuck_terminating: "node_pressure",
    suspected_readiness_failure: "probe_failure",
  };
  const category = d ? map[d.label] : undefined;
  if (d && category) out.push(hypothesis({ id: d.label, category, title: d.label.replace(/^suspected_/, "").replace(/_/g, " "), confidence: 80, why: d.why, nextTests: d.steps.map((s) => s.text) }));
  return out.length ? out : [unknownHypothesis(f, "pod conditions and events unknown")];
}

export const podNotHealthy: FamilyModule = {
  family: "pod_not_healthy",
  needs: { k8s: "pod", logs: true },
  queries: (t) => podQueries(t),
  enrich: (f) =>
    diagnose(f) ??
    unknownEnrichment(f, podQueries(f.target), [
      f.evidence.k8s.pod ? `pod ${f.target.pod} phase ${f.evidence.k8s.pod.phase}, no waiting reason, probe failure or event explains it` : "pod phase, container states and events are unknown",
    ]),
  hypotheses,
};
