import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Logger } from "@/lib/log";
import { redactText } from "@/lib/redact";
import type { K8sObjectKind, MetricQuery } from "./families/types";
import { matchLogPatterns } from "./log-patterns";
import { labelConventions } from "./providers/logs";
import { selector } from "./promql";
import { alertmanagerMatcher } from "./providers/alertmanager";
import { type ProviderCall, type Recorder, recorder } from "./recorder";
import { checkDependencies } from "./workload/dependencies";
import { readCronJob } from "./workload/job-runs";
import { podsToRead } from "./workload/service-pods";
import { kubeReads } from "./workload/kube-reads";
import type { ResolvedWorkload } from "./workload/resolve-workload";
import type { KubeEvent, KubernetesProvider, LogEntry, PodFacts, Providers, QueryRecord, RangeSeries } from "./providers/types";
import type {
  AlertmanagerEvidence,
  K8sEvidence,
  K8sObjects,
  LogsEvidence,
  MetricSeries,
  MetricsEvidence,
  SeriesStats,
  Target,
} from "./report";

/** `recorder` is the investigation's own when it made calls before this (workload resolution). */
export type CollectContext = { providers: Providers; log: Logger; now: () => Date; recorder?: Recorder };

const LOG_LIMIT = 200;
/** Pods whose logs are read behind a Service alert, each up to LOG_LIMIT lines. */
const SERVICE_LOG_PODS = 3;
const POINTS_PER_SERIES = 240;

export type Evidence = {
  k8s: K8sEvidence;
  metrics: MetricsEvidence;
  logs: LogsEvidence;
  alertmanager: AlertmanagerEvidence;
  queries: QueryRecord[];
};

export function statsOf(points: Array<[number, number]>): SeriesStats | null {
  const values = points.map((p) => p[1]).filter((v) => Number.isFinite(v));
  if (values.length === 0) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    first: values[0] as number,
    last: values[values.length - 1] as number,
    min: Math.min(...values),
    max: Math.max(...values),
    avg: sum / values.length,
  };
}

export function stepSecondsFor(windowMs: number): number {
  return Math.max(15, Math.ceil(windowMs / 1000 / POINTS_PER_SERIES));
}

function toSeries(q: MetricQuery, all: RangeSeries[]): MetricSeries[] {
  const result = all.slice(0, q.maxSeries ?? all.length);
  return result.map((r, i) => {
    const points = r.values.map(([t, v]) => [t, Number(v)] as [number, number]);
    // A `by (pod)` query answers one series per pod: each line must say whose it is.
    const pod = result.length > 1 ? r.metric.pod : undefined;
    return {
      id: i === 0 ? q.id : `${q.id}#${i + 1}`,
      title: pod ? `${q.title} (pod ${pod})` : q.title,
      unit: q.unit,
      query: q.query,
      labels: r.metric,
      points,
      ...(q.threshold === undefined ? {} : { threshold: q.threshold }),
      stats: statsOf(points),
    };
  });
}

function siblingOf(p: PodFacts): K8sEvidence["siblings"][number] {
  const ended = p.containers.find((c) => c.lastTerminatedExitCode !== undefined && c.lastTerminatedExitCode !== 0) ?? p.containers.find((c) => c.lastTerminatedExitCode !== undefined);
  return {
    name: p.name,
    phase: p.phase,
    ready: p.containers.every((c) => c.ready),
    restarts: p.containers.reduce((n, c) => n + c.restartCount, 0),
    ...(ended?.lastTerminatedExitCode !== undefined ? { exitCode: ended.lastTerminatedExitCode } : {}),
    ...(ended?.lastTerminatedReason ? { reason: ended.lastTerminatedReason } : {}),
  };
}

function isRestarted(pod: PodFacts | null, container: string | null): boolean {
  if (!pod) return false;
  // A finished container (Job pod) has no "previous" instance: its logs are the current ones.
  return pod.containers.some((c) => (!container || c.name === container) && c.restartCount > 0);
}

/** The query that shows whether this alert flapped inside the window. */
export function alertsQuery(alert: NormalizedAlert): MetricQuery {
  const l = alert.labels;
  return {
    id: "alert_firing",
    title: `${alert.alertname} firing (ALERTS)`,
    unit: "bool",
    query: `max(ALERTS${selector({
      alertname: alert.alertname,
      alertstate: "firing",
      namespace: l.namespace,
      pod: l.pod,
      service: l.service,
      instance: l.instance,
      job: l.job,
    })})`,
  };
}

export async function collectEvidence({
  ctx,
  input,
}: {
  ctx: CollectContext;
  input: {
    alert: NormalizedAlert;
    target: Target;
    queries: MetricQuery[];
    start: Date;
    end: Date;
    wantsK8s: boolean;
    /** Further objects the family reads from the alert's labels (HPA, quotas, volumes). */
    objects?: K8sObjectKind[];
    /** The workload found behind a Service, exporter or queue alert (`resolveWorkload`). */
    resolved?: ResolvedWorkload | null;
    /** Resolve upstreams named in the logs to their Services and check them. */
    readDependencies?: boolean;
  };
}): Promise<Evidence> {
  const { providers } = ctx;
  const { alert, target, start, end } = input;
  const rec = ctx.recorder ?? recorder({ timeoutMs: providers.timeoutMs, log: ctx.log, now: ctx.now });
  const stepSeconds = stepSecondsFor(end.getTime() - start.getTime());

  const metricsTask = (async (): Promise<MetricsEvidence> => {
    const base = { stepSeconds, series: [] as MetricSeries[] };
    const metrics = providers.metrics;
    if (!metrics) return { ...base, status: "unavailable", backend: null, reason: "no Prometheus configured (PROMETHEUS_URL unset)" };
    for (const q of input.queries) if (q.notRun) rec.skip("prometheus", q.query, q.notRun);
    const runnable = input.queries.filter((q) => !q.notRun);
    if (runnable.length === 0) return { ...base, status: "not_applicable", backend: metrics.kind };
    const results = await Promise.all(
      runnable.map((q) =>
        rec.call(
          "prometheus",
          q.query,
          () => metrics.range(q.query, start, end, stepSeconds),
          (r) => r.length === 0,
        ),
      ),
    );
    const series = results.flatMap((r, i) => (r.ok ? toSeries(runnable[i] as MetricQuery, r.value) : []));
    const capped = results.flatMap((r, i) => {
      const q = runnable[i] as MetricQuery;
      return r.ok && q.maxSeries !== undefined && r.value.length > q.maxSeries ? [`${q.id} returned ${r.value.length} series, the first ${q.maxSeries} kept`] : [];
    });
    const failed = results.filter((r) => !r.ok);
    if (failed.length === results.length) {
      return { ...base, status: "unavailable", backend: metrics.kind, reason: `every query failed: ${(failed[0] as { error: string }).error}` };
    }
    const reason = [failed.length ? `${failed.length} of ${results.length} queries failed` : null, ...capped].filter(Boolean).join("; ") || undefined;
    return { stepSeconds, series, status: series.length ? "ok" : "empty", backend: metrics.kind, ...(reason ? { reason } : {}) };
  })();

  const k8sTask = (async (): Promise<K8sEvidence> => {
    const resolution = input.resolved?.resolution ?? null;
    const empty: K8sEvidence = { status: "not_applicable", pod: null, events: [], workload: null, node: null, siblings: [], ...(resolution ? { resolution } : {}) };
    const kube = providers.kubernetes;
    const ns = target.namespace;
    const focus = target.pod ? null : (input.resolved?.focus ?? null);
    const hasObject = (!!ns && (!!target.pod || !!target.workload || !!focus)) || !!target.node;
    if (input.resolved?.kubernetesUnavailable) return { ...empty, status: "unavailable", reason: input.resolved.kubernetesUnavailable };
    if (!hasObject) {
      if (resolution) return { ...empty, status: "ok" };
      return input.wantsK8s ? { ...empty, status: "unavailable", reason: "the alert names no pod, workload or node to look up" } : empty;
    }
    if (!kube) return { ...empty, status: "unavailable", reason: "no Kubernetes access configured (in-cluster service account or KUBECONFIG)" };
    const out: K8sEvidence = { ...empty, status: "ok" };
    const failures: string[] = [];
    const reads = kubeReads(rec.call);
    let workloadRef = target.workload;
    if (ns && target.pod) {
      const pod = target.pod;
      const [podRes, eventsRes, ownerRes] = await Promise.all([
        rec.call("kubernetes", `GET pods/${ns}/${pod}`, () => kube.getPod(ns, pod), (v) => v === null),
        rec.call("kubernetes", `LIST events/${ns}?involvedObject.name=${pod}`, () => kube.listEvents(ns, pod), (v) => v.length === 0),
        rec.call("kubernetes", `GET ownerReferences pods/${ns}/${pod}`, () => kube.resolveOwnerWorkload(ns, pod), (v) => v === null),
      ]);
      if (podRes.ok) out.pod = podRes.value;
      else failures.push(podRes.error);
      if (eventsRes.ok) out.events = eventsRes.value;
      else failures.push(eventsRes.error);
      if (ownerRes.ok && ownerRes.value) workloadRef = { kind: ownerRes.value.kind, name: ownerRes.value.name };
    } else if (ns && focus) {
      // The pods behind a Service were listed while resolving it: read the failing (or newest) one's events.
      out.pod = focus;
      out.siblings = (input.resolved?.pods ?? []).map(siblingOf);
      const ev = await rec.call("kubernetes", `LIST events/${ns}?involvedObject.name=${focus.name}`, () => kube.listEvents(ns, focus.name), (v) => v.length === 0);
      if (ev.ok) out.events = ev.value;
      else failures.push(ev.error);
    }
    const kinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"] as const;
    const kind = kinds.find((k) => k === workloadRef?.kind);
    if (ns && workloadRef && kind) {
      const name = workloadRef.name;
      const [wRes, wEvents] = await Promise.all([
        rec.call("kubernetes", `GET ${kind.toLowerCase()}s/${ns}/${name}`, () => kube.getWorkload(ns, kind, name), (v) => v === null),
        target.pod || focus
          ? Promise.resolve(null)
          : rec.call("kubernetes", `LIST events/${ns}?involvedObject.name=${name}`, () => kube.listEvents(ns, name), (v) => v.length === 0),
      ]);
      if (wRes.ok) out.workload = wRes.value;
      else failures.push(wRes.error);
      if (kind === "Job" && ns && wRes.ok && wRes.value?.job?.owner) {
        const cronJob = await readCronJob(kube, reads, ns, wRes.value.job.owner);
        if (cronJob) out.objects = { cronJob };
      }
      if (wEvents?.ok) out.events = wEvents.value;
      else if (wEvents) failures.push(wEvents.error);
    }
    if (ns && !target.pod && kind === "Job" && workloadRef) {
      const jobName = workloadRef.name;
      const pods = await rec.call("kubernetes", `LIST pods/${ns}?labelSelector=job-name=${jobName}`, () => kube.listPods(ns, `job-name=${jobName}`), (v) => v.length === 0);
      if (pods.ok) {
        out.siblings = pods.value.map(siblingOf);
        // The newest failed pod carries the exit code and reason the Job status lacks.
        const failed = pods.value.filter((p) => p.phase === "Failed").sort((a, b) => (b.startTime ?? "").localeCompare(a.startTime ?? ""));
        out.pod = failed[0] ?? pods.value[0] ?? null;
      } else failures.push(pods.error);
    }
    const nodeName = target.node ?? out.pod?.nodeName ?? null;
    if (nodeName) {
      const nRes = await rec.call("kubernetes", `GET nodes/${nodeName}`, () => kube.getNode(nodeName), (v) => v === null);
      if (nRes.ok) out.node = nRes.value;
      else if (target.type === "node") failures.push(nRes.error);
    }
    failures.push(...reads.failures);
    const gotSomething = out.pod || out.workload || out.node || out.events.length > 0;
    if (!gotSomething && failures.length) return { ...out, status: "unavailable", reason: `Kubernetes API calls failed: ${failures[0]}` };
    if (failures.length) out.reason = `${failures.length} Kubernetes call(s) failed: ${failures[0]}`;
    return out;
  })();

  const logsProviderTask = (async (): Promise<LogsEvidence | null> => {
    const logs = providers.logs;
    if (!logs) return null;
    const sel = {
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(target.pod ? { pod: target.pod } : {}),
      ...(target.container ? { container: target.container } : {}),
      ...(target.service ? { service: target.service } : {}),
      ...(target.workload?.kind === "Job" ? { job: target.workload.name } : {}),
    };
    if (Object.keys(sel).length === 0) {
      return { status: "unavailable", backend: null, query: null, reason: "the alert has no namespace, pod, container or service label to select logs by", entries: [], matches: [] };
    }
    const describe = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(",");
    const res = await rec.call("logs", `fetch {${describe}} limit=${LOG_LIMIT}`, () => logs.fetch(sel, start, end, LOG_LIMIT),
      (r) => r.status !== "ok",
      (r) => (r.status === "unavailable" ? r.reason : null),
    );
    if (!res.ok) return { status: "unavailable", backend: null, query: null, reason: `logs query ${res.outcome}: ${res.error}`, entries: [], matches: [] };
    const r = res.value;
    if (r.status === "unavailable") return { status: "unavailable", backend: r.backend, query: r.query, reason: redactText(r.reason), entries: [], matches: [] };
    return { status: r.status, backend: r.backend, query: r.query, reason: null, entries: r.entries, matches: [] };
  })();

  const alertmanagerTask = (async (): Promise<AlertmanagerEvidence> => {
    const am = providers.alertmanager;
    if (!am) return { status: "unavailable", reason: "no Alertmanager configured (ALERTMANAGER_URL unset)", similarActive: null, silenced: null, inhibited: null };
    const filter = [alertmanagerMatcher("alertname", alert.alertname)];
    const res = await rec.call("alertmanager", `GET /api/v2/alerts?filter=${filter[0]}`, () => am.listAlerts({ active: true, silenced: true, inhibited: true, filter }), (v) => v.length === 0);
    if (!res.ok) return { status: "unavailable", reason: res.error, similarActive: null, silenced: null, inhibited: null };
    const mine = res.value.find((a) => a.fingerprint === alert.fingerprint);
    return {
      status: "ok",
      similarActive: res.value.filter((a) => a.fingerprint !== alert.fingerprint && a.status.state === "active").length,
      silenced: mine ? mine.status.silencedBy.length > 0 : false,
      inhibited: mine ? mine.status.inhibitedBy.length > 0 : false,
    };
  })();

  const objectsTask = input.objects?.length && providers.kubernetes
    ? readObjects(rec.call, providers.kubernetes, alert, target, input.objects)
    : Promise.resolve(null);

  const [metrics, podLevelK8s, providerLogs, alertmanager, objects] = await Promise.all([metricsTask, k8sTask, logsProviderTask, alertmanagerTask, objectsTask]);
  const k8s = withObjects(podLevelK8s, objects, !!input.objects?.length && !providers.kubernetes);

  const resolvedPods = target.pod ? [] : (input.resolved?.pods ?? []);
  const logs = await withKubernetesLogs(rec.call, providers, target, k8s, providerLogs, resolvedPods);
  // A line without a pod label came from the pods its selector covers. Only one such pod attributes it:
  // among several, naming them all would make every revision look like it logged the error.
  const unlabelled = target.pod || (resolvedPods.length === 1 ? resolvedPods[0].name : null);
  logs.matches = matchLogPatterns(
    logs.entries.map((e) => e.line),
    (i) => logs.entries[i]?.labels.pod || unlabelled,
  );
  if (input.readDependencies && logs.matches.length) {
    const dependencies = await checkDependencies({
      ctx: { kube: providers.kubernetes, metrics: providers.metrics, call: rec.call },
      input: { target, matches: logs.matches, start, end, stepSeconds },
    });
    if (dependencies.length) k8s.dependencies = dependencies;
  }
  return { k8s, metrics, logs, alertmanager, queries: rec.sorted() };
}

type ObjectsRead = { objects: K8sObjects; events: KubeEvent[]; failures: string[]; attempted: number };

/** The HPA, quotas or volume the alert's labels name, with the events about them. */
async function readObjects(
  call: ProviderCall,
  kube: KubernetesProvider,
  alert: NormalizedAlert,
  target: Target,
  kinds: K8sObjectKind[],
): Promise<ObjectsRead> {
  const l = alert.labels;
  const ns = l.namespace ?? target.namespace;
  const out: ObjectsRead = { objects: {}, events: [], failures: [], attempted: 0 };
  const attempt = async <T>(query: string, run: () => Promise<T>, isEmpty: (v: T) => boolean): Promise<T | null> => {
    out.attempted += 1;
    const r = await call("kubernetes", query, run, isEmpty);
    if (r.ok) return r.value;
    out.failures.push(r.error);
    return null;
  };
  const tasks: Array<Promise<void>> = [];
  const hpaName = l.horizontalpodautoscaler;
  if (kinds.includes("hpa") && ns && hpaName) {
    tasks.push(
      (async () => {
        const [hpa, events] = await Promise.all([
          attempt(`GET horizontalpodautoscalers/${ns}/${hpaName}`, () => kube.getHorizontalPodAutoscaler(ns, hpaName), (v) => v === null),
          attempt(`LIST events/${ns}?involvedObject.name=${hpaName}`, () => kube.listEvents(ns, hpaName), (v) => v.length === 0),
        ]);
        if (hpa) out.objects.hpa = hpa;
        out.events.push(...(events ?? []));
      })(),
    );
  }
  if (kinds.includes("quotas") && ns) {
    tasks.push(
      (async () => {
        const [quotas, refused] = await Promise.all([
          attempt(`LIST resourcequotas/${ns}`, () => kube.listResourceQuotas(ns), (v) => v.length === 0),
          attempt(`LIST events/${ns}?reason=FailedCreate`, () => kube.listEventsByReason(ns, "FailedCreate"), (v) => v.length === 0),
        ]);
        if (quotas) out.objects.quotas = l.resourcequota ? quotas.filter((q) => q.name === l.resourcequota) : quotas;
        out.events.push(...(refused ?? []).filter((e) => /exceeded quota/i.test(e.message)));
      })(),
    );
  }
  const pvcName = l.persistentvolumeclaim;
  if (kinds.includes("volume") && (pvcName || l.persistentvolume)) {
    tasks.push(
      (async () => {
        let pvName = l.persistentvolume;
        if (ns && pvcName) {
          const [pvc, events] = await Promise.all([
            attempt(`GET persistentvolumeclaims/${ns}/${pvcName}`, () => kube.getPersistentVolumeClaim(ns, pvcName), (v) => v === null),
            attempt(`LIST events/${ns}?involvedObject.name=${pvcName}`, () => kube.listEvents(ns, pvcName), (v) => v.length === 0),
          ]);
          if (pvc) out.objects.pvc = pvc;
          out.events.push(...(events ?? []));
          pvName = pvName ?? pvc?.volumeName;
        }
        if (pvName) {
          const name = pvName;
          // Events about a cluster-scoped object are recorded in the default namespace.
          const [pv, pvEvents] = await Promise.all([
            attempt(`GET persistentvolumes/${name}`, () => kube.getPersistentVolume(name), (v) => v === null),
            attempt(`LIST events/default?involvedObject.name=${name}`, () => kube.listEvents("default", name), (v) => v.length === 0),
          ]);
          if (pv) out.objects.pv = pv;
          out.events.push(...(pvEvents ?? []));
          const claim = pv?.claim;
          if (claim?.namespace && !out.objects.pvc) {
            const [pvc, events] = await Promise.all([
              attempt(`GET persistentvolumeclaims/${claim.namespace}/${claim.name}`, () => kube.getPersistentVolumeClaim(claim.namespace, claim.name), (v) => v === null),
              attempt(`LIST events/${claim.namespace}?involvedObject.name=${claim.name}`, () => kube.listEvents(claim.namespace, claim.name), (v) => v.length === 0),
            ]);
            if (pvc) out.objects.pvc = pvc;
            out.events.push(...(events ?? []));
          }
        }
      })(),
    );
  }
  await Promise.all(tasks);
  return out;
}

function withObjects(k8s: K8sEvidence, read: ObjectsRead | null, noAccess: boolean): K8sEvidence {
  if (noAccess && k8s.status === "not_applicable") {
    return { ...k8s, status: "unavailable", reason: "no Kubernetes access configured (in-cluster service account or KUBECONFIG)" };
  }
  if (!read || read.attempted === 0) return k8s;
  const got = Object.keys(read.objects).length > 0 || read.events.length > 0;
  const events = [...k8s.events, ...read.events];
  if (k8s.status === "ok" || got) {
    const reason = k8s.reason ?? (read.failures.length ? `${read.failures.length} Kubernetes call(s) failed: ${read.failures[0]}` : undefined);
    return { ...k8s, status: "ok", events, objects: read.objects, ...(reason ? { reason } : {}) };
  }
  if (read.failures.length) return { ...k8s, status: "unavailable", reason: `Kubernetes API calls failed: ${read.failures[0]}` };
  return { ...k8s, status: "ok", objects: read.objects };
}

/**
 * The previous container's last lines are the crash's own words: fetch them from the API server when
 * the container restarted and add those the logs backend lacks, and fall back to current pod logs
 * when the logs backend has nothing.
 */
async function withKubernetesLogs(
  call: ProviderCall,
  providers: Providers,
  target: Target,
  k8s: K8sEvidence,
  providerLogs: LogsEvidence | null,
  servicePods: PodFacts[],
): Promise<LogsEvidence> {
  const fallback: LogsEvidence = providerLogs ?? {
    status: "unavailable",
    backend: null,
    query: null,
    reason: "no logs backend configured (LOGS_URL unset)",
    entries: [],
    matches: [],
  };
  const kube = providers.kubernetes;
  const focus = k8s.pod;
  if (!kube || !focus) return fallback;
  // Behind a Service, the failing or newest few pods: one pod's lines cannot show which revision errs.
  const others = podsToRead(servicePods.filter((p) => p.name !== focus.name), SERVICE_LOG_PODS - 1);
  const reads = [focus, ...others].flatMap((pod) => {
    const container = target.container ?? pod.containers.find((c) => !c.ready)?.name ?? pod.containers[0]?.name;
    const restarted = isRestarted(pod, container ?? null);
    // The logs backend already holds the current lines; only a restarted container's previous run is missing.
    if (!restarted && fallback.status === "ok") return [];
    const opts = { ...(container ? { container } : {}), previous: restarted, tailLines: LOG_LIMIT };
    const cmd = `GET pods/${pod.namespace}/${pod.name}/log?${container ? `container=${container}&` : ""}previous=${restarted}&tailLines=${LOG_LIMIT}`;
    const labels = { source: "kubernetes", pod: pod.name, ...(container ? { container } : {}), previous: String(restarted) };
    return [{ cmd, labels, run: () => call("kubernetes", cmd, () => kube.getPodLogs(pod.namespace, pod.name, opts), (v) => v.length === 0) }];
  });
  const results = await Promise.all(reads.map(async (r) => ({ ...r, res: await r.run() })));
  const read = results.filter((r) => r.res.ok && r.res.value.length > 0);
  if (!read.length) return fallback;
  if (fallback.status === "ok") {
    const added = read.map((r) => ({ ...r, lines: notHeld(fallback.entries, r.labels, r.res.ok ? r.res.value : []) })).filter((r) => r.lines.length > 0);
    if (!added.length) return fallback;
    return {
      ...fallback,
      query: [fallback.query, ...added.map((r) => r.cmd)].filter(Boolean).join("; "),
      entries: [...fallback.entries, ...added.flatMap((r) => r.lines.map((line) => ({ timestamp: "", line, labels: r.labels })))],
    };
  }
  const extra = read.flatMap((r) => (r.res.ok ? r.res.value.map((line) => ({ timestamp: "", line, labels: r.labels })) : []));
  return {
    status: "ok",
    backend: "kubernetes",
    query: read.map((r) => r.cmd).join("; "),
    reason: fallback.reason ? `${fallback.reason}; using pod logs from the Kubernetes API` : null,
    entries: extra,
    matches: [],
  };
}

function labelOf(labels: Record<string, string>, key: "pod" | "container"): string | undefined {
  for (const c of labelConventions) {
    const name = c.labels[key];
    if (name && labels[name]) return labels[name];
  }
  return undefined;
}

/**
 * The API-server lines of one pod's container that the logs backend does not hold. The backend
 * usually shipped the previous container's lines too, and API lines carry no timestamp: each backend
 * line of the same pod, container and text stands for one API line, so a message logged three times
 * stays three lines, not six.
 */
function notHeld(held: LogEntry[], from: { pod: string; container?: string }, lines: string[]): string[] {
  const count = new Map<string, number>();
  for (const e of held) {
    if (labelOf(e.labels, "pod") !== from.pod) continue;
    const container = labelOf(e.labels, "container");
    if (container && from.container && container !== from.container) continue;
    count.set(e.line, (count.get(e.line) ?? 0) + 1);
  }
  return lines.filter((line) => {
    const n = count.get(line) ?? 0;
    if (n > 0) count.set(line, n - 1);
    return n === 0;
  });
}
