import { isScraperPod, scraperNamed, scraperOf } from "@/lib/alerts/scrapers";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { isDns1123Label, isDns1123Subdomain } from "../kubernetes-names";
import type { KubernetesProvider, PodFacts } from "../providers/types";
import type { ProviderCall } from "../recorder";
import type { Resolution, Target } from "../report";
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
type Plan = { strategy: Strategy; from: string; run: (kube: KubernetesProvider, reads: KubeReads) => Promise<Found> };
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

function queuePlan(namespace: string, label: string, queue: string): Plan {
  return {
    strategy: "queue",
    from: `${label} ${queue}`,
    async run(kube, reads) {
      if (!isDns1123Label(namespace)) return { via: [], reason: `namespace ${JSON.stringify(namespace.slice(0, 100))} is not a valid name; not looked up` };
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

function planFor(alert: NormalizedAlert, target: Target): Plan | null {
  // A scraper's own pod is the subject only when nothing else is named (subjectOf); its scraped server is the better one.
  if ((target.pod && !isScraperPod(target.pod)) || target.workload) return null;
  const l = alert.labels;
  const ns = target.namespace;
  const queue = queueNameOf(l);
  if (queue && ns) return queuePlan(ns, queue.label, queue.name);
  if (scraperOf(l)?.kind === "exporter") {
    const scraped = scrapedAddress(l);
    if (scraped) return exporterPlan(scraped.label, scraped.address, ns);
  }
  const service = serviceNameOf(alert, target);
  if (service && ns) return servicePlan(ns, service);
  return null;
}

/**
 * Finds the workload behind an alert whose labels name a Service, an exporter, a queue or nothing
 * runnable (docs/architecture.md, "Finding the workload"). Every name is validated before it reaches
 * the API; every call is recorded. Alerts that name their pod or workload are returned as they are.
 */
export async function resolveWorkload({
  ctx,
  input,
}: {
  ctx: { kube: KubernetesProvider | undefined; call: ProviderCall };
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
  const found = await plan.run(ctx.kube, reads);
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
