import type { Family } from "@/lib/alerts/family";
import { labelHygieneNotes } from "./label-hygiene";
export { formatBytes } from "./units";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Evidence } from "./collect-evidence";
import type { ContainerState, KubeEvent } from "./providers/types";
import type { Changes, LogMatch, Noise, SeriesStats, Target } from "./report";
import type { HypothesisCategory } from "./vocabulary";

/** What the evidence says, in the terms families reason with. Pure function of evidence and time. */
export type Features = {
  alert: NormalizedAlert;
  family: Family;
  target: Target;
  evidence: Evidence;
  severity: string | null;
  window: { startMs: number; endMs: number };
  firingMinutes: number;
  available: { k8s: boolean; metrics: boolean; logs: boolean };
  container: ContainerState | null;
  restarts: number;
  /** Restarts whose last termination falls inside the window (0 when none did, or unknown). */
  recentRestart: boolean;
  ready: boolean | null;
  waitingReason: string | null;
  lastTerminatedReason: string | null;
  lastExitCode: number | null;
  memoryLimitBytes: number | null;
  memoryRequestBytes: number | null;
  cpuLimitCores: number | null;
  cpuRequestCores: number | null;
  events: KubeEvent[];
  probe: { liveness: string | null; readiness: string | null; startup: string | null };
  nodeConditions: string[];
  nodeReady: boolean | null;
  logMatches: LogMatch[];
  changes: Changes;
  noise: Noise;
};

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const decimal: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Kubernetes memory quantity (`512Mi`, `1G`, `1048576`) in bytes. */
export function parseBytes(q: string | undefined): number | null {
  if (!q) return null;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q.trim());
  if (!m) return null;
  const unit = m[2] ? (binary[m[2]] ?? decimal[m[2]] ?? 1) : 1;
  return Number(m[1]) * unit;
}

/** Kubernetes CPU quantity (`500m`, `2`) in cores. */
export function parseCores(q: string | undefined): number | null {
  if (!q) return null;
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(q.trim());
  if (!m) return null;
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}


function pickContainer(target: Target, containers: ContainerState[]): ContainerState | null {
  if (target.container) return containers.find((c) => c.name === target.container) ?? null;
  return (
    containers.find((c) => c.state === "waiting" || c.lastTerminatedReason) ??
    containers.find((c) => !c.ready) ??
    containers[0] ??
    null
  );
}

function probeMessage(events: KubeEvent[], kind: "Liveness" | "Readiness" | "Startup"): string | null {
  const hit = events.find((e) => e.reason === "Unhealthy" && e.message.startsWith(`${kind} probe failed`));
  return hit ? hit.message : null;
}

/**
 * Times the alert started firing again inside the window. ALERTS has no point while an alert is not
 * firing, so a gap longer than two steps (or a zero) followed by a firing point is one re-fire.
 */
function flapsFromAlerts(points: Array<[number, number]>, stepSeconds: number): number {
  let flaps = 0;
  for (let i = 1; i < points.length; i++) {
    const [prevT, prevV] = points[i - 1] as [number, number];
    const [t, v] = points[i] as [number, number];
    if (v > 0 && (!(prevV > 0) || t - prevT > 2 * stepSeconds)) flaps += 1;
  }
  return flaps;
}

function changesOf(evidence: Evidence, alert: NormalizedAlert, window: { startMs: number; endMs: number }): Changes {
  const w = evidence.k8s.workload;
  if (evidence.k8s.status !== "ok" || !w) {
    return {
      status: evidence.k8s.status === "ok" ? "not_applicable" : evidence.k8s.status,
      rolloutInWindow: false,
      minutesBeforeAlert: null,
      revisions: [],
      summary: evidence.k8s.status === "ok" ? "no owning workload found" : "rollout history unknown (no Kubernetes context)",
    };
  }
  const revisions = [...w.revisions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const newest = revisions[0];
  if (!newest) return { status: "ok", rolloutInWindow: false, minutesBeforeAlert: null, revisions: [], summary: "no rollout history" };
  const created = Date.parse(newest.createdAt);
  const alertStart = Date.parse(alert.startsAt);
  const inWindow = created >= window.startMs - 3_600_000 && created <= window.endMs;
  const minutes = Math.round((alertStart - created) / 60_000);
  const previous = revisions[1];
  const imageChange = previous && previous.images.join(",") !== newest.images.join(",");
  const summary = inWindow
    ? `revision ${newest.revision} (${newest.images.join(", ")}) rolled out ${minutes >= 0 ? `${minutes} min before` : `${-minutes} min after`} the alert started${imageChange ? `; image changed from ${previous.images.join(", ")}` : ""}`
    : `newest revision ${newest.revision} was created ${newest.createdAt}, well before the window`;
  return { status: "ok", rolloutInWindow: inWindow, minutesBeforeAlert: minutes, revisions: revisions.slice(0, 5), summary };
}

function noiseOf(evidence: Evidence, alert: NormalizedAlert, family: Family, firingMinutes: number): Noise {
  const series = evidence.metrics.series.find((s) => s.id === "alert_firing");
  const flaps = series ? flapsFromAlerts(series.points, evidence.metrics.stepSeconds) : null;
  const am = evidence.alertmanager;
  const silenced = am.status === "ok" ? !!(am.silenced || am.inhibited) : null;
  const notes: string[] = [];
  if (flaps !== null && flaps >= 3) notes.push(`the alert re-fired ${flaps} times inside the window`);
  if (alert.status === "resolved") notes.push("the alert was already resolved when investigated");
  if (silenced) notes.push("Alertmanager reports this alert as silenced or inhibited");
  if (am.similarActive) notes.push(`${am.similarActive} other active alert(s) share this alertname`);
  // Heartbeats and inhibitors are not routed to people; their labels need no owner.
  if (family !== "meta") notes.push(...labelHygieneNotes(alert.labels));
  return {
    flapping: flaps === null ? null : flaps >= 3,
    flaps,
    firingMinutes,
    similarActive: am.similarActive,
    silencedOrInhibited: silenced,
    notes,
  };
}

export function featuresOf(input: {
  alert: NormalizedAlert;
  family: Family;
  target: Target;
  evidence: Evidence;
  window: { startMs: number; endMs: number };
}): Features {
  const { alert, evidence, window } = input;
  const pod = evidence.k8s.pod;
  const container = pod ? pickContainer(input.target, pod.containers) : null;
  const restarts = pod ? pod.containers.reduce((n, c) => n + c.restartCount, 0) : 0;
  const lastAt = container?.lastTerminatedAt ? Date.parse(container.lastTerminatedAt) : Number.NaN;
  const firingMinutes = Math.max(0, Math.round((window.endMs - Date.parse(alert.startsAt)) / 60_000));
  const node = evidence.k8s.node;
  const events = evidence.k8s.events;
  return {
    alert,
    family: input.family,
    target: input.target,
    evidence,
    severity: alert.labels.severity?.toLowerCase() ?? null,
    window,
    firingMinutes,
    available: {
      k8s: evidence.k8s.status === "ok",
      metrics: evidence.metrics.status === "ok",
      logs: evidence.logs.status === "ok",
    },
    container,
    restarts,
    recentRestart: Number.isFinite(lastAt) ? lastAt >= window.startMs : restarts > 0,
    ready: container ? container.ready : null,
    waitingReason: container?.waitingReason ?? null,
    lastTerminatedReason: container?.lastTerminatedReason ?? null,
    lastExitCode: container?.lastTerminatedExitCode ?? null,
    memoryLimitBytes: parseBytes(container?.limits.memory),
    memoryRequestBytes: parseBytes(container?.requests.memory),
    cpuLimitCores: parseCores(container?.limits.cpu),
    cpuRequestCores: parseCores(container?.requests.cpu),
    events,
    probe: {
      liveness: probeMessage(events, "Liveness"),
      readiness: probeMessage(events, "Readiness"),
      startup: probeMessage(events, "Startup"),
    },
    nodeConditions: node
      ? node.conditions.filter((c) => c.type !== "Ready" && c.status === "True").map((c) => c.type)
      : [],
    nodeReady: node ? node.conditions.some((c) => c.type === "Ready" && c.status === "True") : null,
    logMatches: evidence.logs.matches,
    changes: changesOf(evidence, alert, window),
    noise: noiseOf(evidence, alert, input.family, firingMinutes),
  };
}

/** Stats of a family's series by id (the first series of that query). */
export function stat(f: Features, id: string): SeriesStats | null {
  return f.evidence.metrics.series.find((s) => s.id === id)?.stats ?? null;
}

export function logMatch(f: Features, ...categories: HypothesisCategory[]): LogMatch | null {
  return f.logMatches.find((m) => categories.includes(m.category)) ?? null;
}

export function hasEvent(f: Features, ...reasons: string[]): KubeEvent | null {
  return f.events.find((e) => reasons.includes(e.reason)) ?? null;
}
