import { isScraperPod, scraperNamed, scraperOf } from "@/lib/alerts/scrapers";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { isDns1123Label, isDns1123Subdomain } from "../kubernetes-names";
import type { KubernetesProvider, MetricsProvider, PodFacts } from "../providers/types";
import type { ProviderCall } from "../recorder";
import type { Resolution, Target } from "../report";
import { consumerHints, consumerMetricsQuery } from "./consumer-metrics";
import { type KubeReads, kubeReads } from "./kube-reads";
import { consumerCandidates, queueNameOf } from "./queue-consumer";
import { type Address, scrapedAddress } from "./scraped-address";
import { focusPod, servicePods } from "./service-pods";

export type ResolvedWorkload = {
  /** The target with the workload (and, for exporters, the pod) that was found. */
  target: Target;
  resolution: Resolution | null;
  /** The pods behind a Service, and the one to read first; empty when the target named its pod itself. */
  pods: PodFacts[];
  focus: PodFacts | null;
  /** Why Kubernetes could not be asked (not configured, or its calls failed): blocker B rather than A. */
  kubernetesUnavailable: string | null;
};

type Strategy = Resolution["strategy"];
type Env = { metrics: MetricsProvider | undefined; call: ProviderCall };
type Plan = { strategy: Strategy; from: string; run: (kube: KubernetesProvider, reads: KubeReads, env: Env) => Promise<Found> };
type Found = { via: string[]; target?: Partial<Target>; pods?: PodFacts[]; focus?: PodFacts | null; reason?: string };

/** The name a service-level alert gives its service: `service`, else the scrape `job` (`namespace/name` for PodMonitors), else `app`. */
function serviceNameOf(alert: NormalizedAlert, target: Target): string | null {
  const l = alert.labels;
  const job = target.job && !scraperNamed(target.job) ? (target.job.split("/").pop() ?? null) : null;
  return target.service ?? job ?? l.app ?? l.app_kubernetes_io_name ?? null;
}

async function ownerOf(kube: KubernetesProvider, reads: KubeReads, pod: PodFacts): Promise<{ kind: string; name: string } | null> {
  const owner = await reads.read(`GET ownerReferences pods/${pod.namespace}/${pod.name}`, () => kube.resolveOwnerWorkload(pod.namespace, pod.name), (v) => v === null);
  return owner ? { kind: owner.kind, name: owner.name } : null;
}

function podsLine(pods: PodFacts[]): string {
  const shown = pods.slice(0, 5).map((p) => `${p.name} (${p.phase}${p.containers.every((c) => c.ready) ? ", ready" : ", not ready"})`);
  return `pods: ${shown.join(", ")}${pods.length > 5 ? `, +${pods.length - 5} more` : ""}`;
}

function servicePlan(namespace: string, name: string): Plan {
  return {
    strategy: "service",
    from: `Service ${namespace}/${name}`,
    async run(kube, reads) {
      const found = await servicePods(kube, reads, namespace, name);
      const focus = focusPod(found.pods);
      if (!focus) return { via: found.via, reason: found.via.at(-1) ?? "no pods found" };
      const owner = await ownerOf(kube, reads, focus);
      const via = [...found.via, podsLine(found.pods), ...(owner ? [`owned by ${owner.kind} ${owner.name}`] : [])];
      return { via, pods: found.pods, focus, target: owner ? { workload: owner } : {} };
    },
  };
}

function exporterPlan(label: string, address: Address, namespace: string | null): Plan {
  return {
    strategy: "exporter",
    from: `exporter ${label}=${address.text}`,
    async run(kube, reads) {
      if (address.kind === "ip") {
        const ip = address.ip;
        const pods = (await reads.read(`LIST pods?fieldSelector=status.podIP=${ip}`, () => kube.listPodsByIp(ip), (v) => v.length === 0)) ?? [];
        const pod = pods.find((p) => p.phase === "Running") ?? pods[0];
        if (!pod) return { via: [`no pod has IP ${ip}`], reason: `no pod has IP ${ip} (a node or an address outside the cluster)` };
        const standalone = scraperNamed(pod.name) !== null && pod.containers.length === 1;
        if (standalone) {
          return {
            via: [`${ip} is pod ${pod.namespace}/${pod.name}: the exporter itself`],
            reason: `${label} ${address.text} is the exporter's own pod ${pod.name}; the server it scrapes is not in the alert's labels (keep postgres_exporter's \`server\` or redis_exporter's \`addr\` label)`,
          };
        }
        const owner = await ownerOf(kube, reads, pod);
        const via = [`${ip} is pod ${pod.namespace}/${pod.name}${pod.containers.length > 1 ? ` (the exporter runs as a sidecar of ${pod.containers.map((c) => c.name).join(", ")})` : ""}`, ...(owner ? [`owned by ${owner.kind} ${owner.name}`] : [])];
        return { via, pods: [pod], focus: pod, target: { type: "pod", name: pod.name, namespace: pod.namespace, pod: pod.name, container: null, workload: owner } };
      }
      const ns = address.namespace ?? namespace;
      if (!ns) return { via: [], reason: `${address.text} names Service ${address.service} without a namespace, and the alert has none` };
      const found = await servicePods(kube, reads, ns, address.service);
      const focus = focusPod(found.pods);
      if (!focus) return { via: found.via, reason: found.via.at(-1) ?? "no pods found" };
      const owner = await ownerOf(kube, reads, focus);
      const via = [...found.via, podsLine(found.pods), ...(owner ? [`owned by ${owner.kind} ${owner.name}`] : [])];
      return { via, pods: found.pods, focus, target: { type: "pod", name: focus.name, namespace: ns, pod: focus.name, container: null, workload: owner } };
    },
  };
}

/** The consumer's pods named by the broker's consumer metrics (a client address or pod-like client id), and their owner. */
async function consumerFromMetrics(kube: KubernetesProvider, reads: KubeReads, env: Env, namespace: string, labels: Record<string, string>): Promise<Found | null> {
  const query = consumerMetricsQuery(labels);
  const metrics = env.metrics;
  if (!query || !metrics) return null;
  const r = await env.call("prometheus", query, () => metrics.instant(query), (v) => v.length === 0);
  if (!r.ok) return null;
  for (const hint of consumerHints(r.value)) {
    let pod: PodFacts | null = null;
    if (hint.kind === "ip") {
      const pods = (await reads.read(`LIST pods?fieldSelector=status.podIP=${hint.value}`, () => kube.listPodsByIp(hint.value), (v) => v.length === 0)) ?? [];
      pod = pods.find((p) => p.phase === "Running") ?? pods[0] ?? null;
    } else {
      // A client id is the pod's name, or the name with a suffix the client library added: try both.
      const names = [hint.value, hint.value.replace(/-(\d+|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})$/, "")].filter((n, i, a) => a.indexOf(n) === i && isDns1123Subdomain(n));
      for (const name of names) {
        pod = await reads.read(`GET pods/${namespace}/${name}`, () => kube.getPod(namespace, name), (v) => v === null);
        if (pod) break;
      }
    }
    if (!pod) continue;
    const owner = await ownerOf(kube, reads, pod);
    const via = [`consumer metrics (${query}) name ${hint.label}=${hint.value}: pod ${pod.namespace}/${pod.name}`, ...(owner ? [`owned by ${owner.kind} ${owner.name}`] : [])];
    return { via, pods: [pod], focus: pod, target: owner ? { namespace: pod.namespace, workload: owner } : { type: "pod", name: pod.name, namespace: pod.namespace, pod: pod.name, container: null } };
  }
  return null;
}

function queuePlan(namespace: string, label: string, queue: string, labels: Record<string, string>): Plan {
  return {
    strategy: "queue",
    from: `${label} ${queue}`,
    async run(kube, reads, env) {
      if (!isDns1123Label(namespace)) return { via: [], reason: `namespace ${JSON.stringify(namespace.slice(0, 100))} is not a valid name; not looked up` };
      const fromMetrics = await consumerFromMetrics(kube, reads, env, namespace, labels);
      if (fromMetrics) return fromMetrics;
      const workloads = (await reads.read(`LIST deployments,statefulsets/${namespace}`, () => kube.listWorkloads(namespace), (v) => v.length === 0)) ?? [];
      const ranked = consumerCandidates(queue, workloads);
      const [best, second] = ranked;
      if (!best) {
        const names = workloads.slice(0, 8).map((w) => w.name);
        return { via: [], reason: `no Deployment or StatefulSet in ${namespace} is named after ${queue}${names.length ? ` (workloads there: ${names.join(", ")})` : ""}; name the consumer with a \`deployment\` label` };
      }
      if (second && second.score === best.score) {
        return { via: [], reason: `${best.name} and ${second.name} in ${namespace} both look like consumers of ${queue}; name the consumer with a \`deployment\` label` };
      }
      return { via: [`${best.kind} ${best.name} in ${namespace} is named after ${queue} (consumer naming convention)`], target: { workload: { kind: best.kind, name: best.name } } };
    },
  };
}

const scalable = new Set(["Deployment", "StatefulSet", "ReplicaSet"]);

function hpaPlan(namespace: string, name: string): Plan {
  return {
    strategy: "hpa",
    from: `HorizontalPodAutoscaler ${namespace}/${name}`,
    async run(kube, reads) {
      if (!isDns1123Label(namespace) || !isDns1123Subdomain(name)) return { via: [], reason: `${JSON.stringify(`${namespace}/${name}`.slice(0, 100))} is not a valid HPA name; not looked up` };
      const hpa = await reads.read(`GET horizontalpodautoscalers/${namespace}/${name}`, () => kube.getHorizontalPodAutoscaler(namespace, name), (v) => v === null);
      if (!hpa) return { via: [], reason: `no HorizontalPodAutoscaler ${namespace}/${name}` };
      const { kind, name: target } = hpa.scaleTarget;
      if (!scalable.has(kind) || !isDns1123Subdomain(target)) {
        return { via: [], reason: `HPA ${name} scales ${JSON.stringify(`${kind}/${target}`.slice(0, 100))}, not a Deployment, StatefulSet or ReplicaSet` };
      }
      const via = [`HPA ${namespace}/${name} scales ${kind} ${target} (${hpa.currentReplicas} of ${hpa.minReplicas}–${hpa.maxReplicas} replicas)`];
      return { via, target: { workload: { kind, name: target } } };
    },
  };
}

function planFor(alert: NormalizedAlert, target: Target): Plan | null {
  // A scraper's own pod is the subject only when nothing else is named (subjectOf); its scraped server is the better one.
  if ((target.pod && !isScraperPod(target.pod)) || target.workload) return null;
  const l = alert.labels;
  const ns = target.namespace;
  if (l.horizontalpodautoscaler && ns) return hpaPlan(ns, l.horizontalpodautoscaler);
  const queue = queueNameOf(l);
  if (queue && ns) return queuePlan(ns, queue.label, queue.name, l);
  if (scraperOf(l)?.kind === "exporter") {
    const scraped = scrapedAddress(l);
    if (scraped) return exporterPlan(scraped.label, scraped.address, ns);
  }
  const service = serviceNameOf(alert, target);
  if (service && ns) return servicePlan(ns, service);
  return null;
}

/**
 * Finds the workload behind an alert whose labels name a Service, an exporter, a queue, an HPA or nothing
 * runnable (docs/architecture.md, "Finding the workload"). Every name is validated before it reaches
 * the API; every call is recorded. Alerts that name their pod or workload are returned as they are.
 */
export async function resolveWorkload({
  ctx,
  input,
}: {
  ctx: { kube: KubernetesProvider | undefined; metrics?: MetricsProvider; call: ProviderCall };
  input: { alert: NormalizedAlert; target: Target };
}): Promise<ResolvedWorkload> {
  const { target } = input;
  const none: ResolvedWorkload = { target, resolution: null, pods: [], focus: null, kubernetesUnavailable: null };
  const plan = planFor(input.alert, target);
  if (!plan) return none;
  const base = { strategy: plan.strategy, from: plan.from };
  if (!ctx.kube) {
    const reason = "no Kubernetes access configured (in-cluster service account or KUBECONFIG)";
    return { ...none, resolution: { ...base, status: "unresolved", via: [], workload: null, pods: [], reason }, kubernetesUnavailable: reason };
  }
  const reads = kubeReads(ctx.call);
  const found = await plan.run(ctx.kube, reads, { metrics: ctx.metrics, call: ctx.call });
  const refined: Target = { ...target, ...found.target };
  const pods = found.pods ?? [];
  const resolved = !found.reason && (!!refined.workload || !!refined.pod || pods.length > 0);
  const failed = reads.failures[0];
  const reason = found.reason ?? (failed ? `Kubernetes API calls failed: ${failed}` : "nothing found");
  const resolution: Resolution = {
    ...base,
    status: resolved ? "resolved" : "unresolved",
    via: found.via,
    workload: refined.workload && isDns1123Subdomain(refined.workload.name) ? refined.workload : null,
    pods: pods.map((p) => p.name),
    ...(resolved ? {} : { reason: failed && !found.pods?.length ? `Kubernetes API calls failed: ${failed}` : reason }),
  };
  return {
    target: resolved ? refined : target,
    resolution,
    pods,
    focus: resolved ? (found.focus ?? null) : null,
    kubernetesUnavailable: !resolved && failed ? `Kubernetes API calls failed: ${failed}` : null,
  };
}
