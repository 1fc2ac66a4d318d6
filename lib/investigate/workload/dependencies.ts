import { statsOf } from "../collect-evidence";
import { isLabelSelector } from "../kubernetes-names";
import { selector } from "../promql";
import type { KubernetesProvider, MetricsProvider, PodFacts } from "../providers/types";
import type { ProviderCall } from "../recorder";
import type { Dependency, LogMatch, SeriesStats, Target } from "../report";
import type { HypothesisCategory } from "../vocabulary";
import { kubeReads } from "./kube-reads";
import { parseAddress } from "./scraped-address";

/** Log patterns whose detail is an upstream's address. */
const dependencyCategories: HypothesisCategory[] = ["dependency_unavailable", "dependency_latency", "network", "database_slow"];
const MAX_DEPENDENCIES = 3;

function podState(p: PodFacts): string {
  const waiting = p.containers.find((c) => c.waitingReason)?.waitingReason;
  return `${p.name} is ${p.phase}${waiting ? ` (${waiting})` : p.containers.every((c) => c.ready) ? "" : ", not ready"}`;
}

export function dependencyAddresses(matches: LogMatch[]): string[] {
  return [...new Set(matches.filter((m) => dependencyCategories.includes(m.category) && m.detail).map((m) => m.detail as string))].slice(0, MAX_DEPENDENCIES);
}

/**
 * Each upstream named in the logs (`orders-db.orders.svc:5432`, `10.1.2.3:5432`) resolved to its
 * Service's endpoints and pods, or to the pod with that IP, with its own 5xx share and p95 latency
 * when it exports them: "Service orders/orders-db has 0 ready endpoints (orders-db-0 is Pending)" is the cause a
 * human wants, not the address.
 */
export async function checkDependencies({
  ctx,
  input,
}: {
  ctx: { kube: KubernetesProvider | undefined; metrics: MetricsProvider | undefined; call: ProviderCall };
  input: { target: Target; matches: LogMatch[]; start: Date; end: Date; stepSeconds: number };
}): Promise<Dependency[]> {
  const { kube, metrics, call } = ctx;
  if (!kube) return [];
  const reads = kubeReads(call);
  const out: Dependency[] = [];
  for (const text of dependencyAddresses(input.matches)) {
    const address = parseAddress(text);
    if (!address) continue;
    if (address.kind === "ip") {
      const ip = address.ip;
      const pods = (await reads.read(`LIST pods?fieldSelector=status.podIP=${ip}`, () => kube.listPodsByIp(ip), (v) => v.length === 0)) ?? [];
      const pod = pods[0];
      out.push({
        address: text,
        namespace: pod?.namespace ?? null,
        service: null,
        pod: pod?.name ?? null,
        readyEndpoints: null,
        notReadyEndpoints: null,
        errorRatio: null,
        latencyP95: null,
        healthy: pod ? pod.phase === "Running" && pod.containers.every((c) => c.ready) : null,
        summary: pod ? `${text} is pod ${pod.namespace}/${podState(pod)}` : `no pod has IP ${ip} (a Service's cluster IP, a node, or outside the cluster)`,
      });
      continue;
    }
    const ns = address.namespace ?? input.target.namespace;
    if (!ns) continue;
    const name = address.service;
    const [svc, endpoints] = await Promise.all([
      reads.read(`GET services/${ns}/${name}`, () => kube.getService(ns, name), (v) => v === null),
      reads.read(`LIST endpointslices/${ns}?labelSelector=kubernetes.io/service-name=${name}`, () => kube.listEndpoints(ns, name), (v) => v.length === 0),
    ]);
    if (!svc) {
      out.push({ address: text, namespace: ns, service: name, pod: null, readyEndpoints: null, notReadyEndpoints: null, errorRatio: null, latencyP95: null, healthy: reads.failures.length ? null : false, summary: reads.failures.length ? `Service ${ns}/${name} could not be read` : `no Service ${ns}/${name} exists: the name does not resolve in the cluster` });
      continue;
    }
    const ready = (endpoints ?? []).filter((e) => e.ready).length;
    const notReady = (endpoints ?? []).length - ready;
    let podNote = "";
    const sel = Object.entries(svc.selector).map(([k, v]) => `${k}=${v}`).join(",");
    if (ready === 0 && sel && isLabelSelector(sel)) {
      const pods = (await reads.read(`LIST pods/${ns}?labelSelector=${sel}`, () => kube.listPods(ns, sel), (v) => v.length === 0)) ?? [];
      podNote = pods.length ? ` (${pods.slice(0, 3).map(podState).join("; ")})` : ` (no pod matches its selector ${sel})`;
    }
    const [errors, latency] = metrics ? await ownHttpStats(call, metrics, ns, name, input) : [null, null];
    const errorRatio = errors?.last ?? null;
    const failing = errorRatio !== null && errorRatio >= 0.05;
    out.push({
      address: text,
      namespace: ns,
      service: name,
      pod: null,
      readyEndpoints: endpoints ? ready : null,
      notReadyEndpoints: endpoints ? notReady : null,
      errorRatio,
      latencyP95: latency ? { first: latency.first, last: latency.last, max: latency.max } : null,
      healthy: endpoints ? ready > 0 && !failing : null,
      summary: `Service ${ns}/${name} has ${ready} ready endpoint(s)${notReady ? ` and ${notReady} not ready` : ""}${podNote}${errorRatio !== null ? `; its own 5xx share is ${(errorRatio * 100).toFixed(1)}%` : ""}`,
    });
  }
  return out;
}

/** The upstream's own 5xx share and p95 latency over the window, when it exports the usual HTTP metrics. */
function ownHttpStats(
  call: ProviderCall,
  metrics: MetricsProvider,
  namespace: string,
  service: string,
  input: { start: Date; end: Date; stepSeconds: number },
): Promise<[SeriesStats | null, SeriesStats | null]> {
  const sel = selector({ namespace, service });
  const errSel = selector({ namespace, service, code: null });
  const errorRatio = `sum(rate(http_requests_total${errSel.slice(0, -1)},code=~"5.."}[5m])) / sum(rate(http_requests_total${sel}[5m]))`;
  const latencyP95 = `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${sel}[5m])))`;
  return Promise.all([rangeStats(call, metrics, errorRatio, input), rangeStats(call, metrics, latencyP95, input)]);
}

async function rangeStats(call: ProviderCall, metrics: MetricsProvider, query: string, input: { start: Date; end: Date; stepSeconds: number }): Promise<SeriesStats | null> {
  const r = await call("prometheus", query, () => metrics.range(query, input.start, input.end, input.stepSeconds), (v) => v.length === 0);
  if (!r.ok || !r.value[0]) return null;
  return statsOf(r.value[0].values.map(([t, v]) => [t, Number(v)] as [number, number]));
}
