import { kubectl, nsFlag, placeholder, type Shell, text } from "../commands";
import { type Features, hasEvent } from "../features";
import type { Target } from "../report";
import { crashFindings, isOomTermination } from "./crashloop";
import { type Finding, findingsModule } from "./findings";
import { podQueries, previousLogsStep } from "./shared";

const pullReasons = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"]);
const configReasons = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);
const STUCK_TERMINATING_MS = 5 * 60_000;

function ns(t: Target): Shell {
  return nsFlag(t.namespace);
}

type Diagnosis = Omit<Finding, "confidence" | "category" | "title">;

function diagnose(f: Features, crash: Finding[]): Diagnosis | null {
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
    const top = [...crash].sort((a, b) => b.confidence - a.confidence)[0];
    return {
      label: "suspected_crashloop_or_probe_failure",
      why: [`container ${f.container?.name ?? "?"}: ${f.waitingReason ?? "restarting"}, ${f.restarts} restart(s)`, ...(top ? [`crash reading: ${top.label}`, ...top.why] : [])],
      steps: top?.steps ?? previousLogsStep(f),
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

const what: Record<string, Pick<Finding, "category" | "title">> = {
  suspected_image_pull_backoff: { category: "image_pull", title: "The image cannot be pulled" },
  suspected_config_error: { category: "config_error", title: "The container cannot be created from its configuration" },
  suspected_oomkill: { category: "oom", title: "Container is killed for exceeding its memory limit" },
  suspected_scheduling_or_node_pressure: { category: "scheduling", title: "The pod cannot be scheduled or its node is under pressure" },
  suspected_stuck_terminating: { category: "node_pressure", title: "The pod is stuck terminating" },
  suspected_readiness_failure: { category: "probe_failure", title: "The container runs but fails its readiness probe" },
};

/** The pod's own state decides (waiting reason, events, node); the crash reading ranks below it. */
function findings(f: Features): Finding[] {
  const crash = crashFindings(f, podQueries(f.target));
  const d = diagnose(f, crash);
  if (!d) return crash;
  const top = [...crash].sort((a, b) => b.confidence - a.confidence)[0];
  const kind = what[d.label] ?? {
    category: top?.category ?? (f.probe.liveness ? "probe_failure" : "app_crash"),
    title: "The container crash-loops or fails its liveness probe",
  };
  // A crash reading of the same kind is the same evidence said twice, not a second signal.
  const others = crash.filter((c) => c.category !== kind.category).map((c) => ({ ...c, confidence: Math.min(c.confidence, 79) }));
  return [{ ...d, ...kind, confidence: 80 }, ...others];
}

export const podNotHealthy = findingsModule({
  family: "pod_not_healthy",
  needs: { k8s: "pod", logs: true },
  queries: (t) => podQueries(t),
  findings,
  unknowns: (f) => [
    f.evidence.k8s.pod ? `pod ${f.target.pod} phase ${f.evidence.k8s.pod.phase}, no waiting reason, probe failure or event explains it` : "pod phase, container states and events are unknown",
  ],
  logConfidence: 55,
});
