import { isDns1123Label, isDns1123Subdomain, isLabelSelector } from "../kubernetes-names";
import type { KubernetesProvider, PodFacts } from "../providers/types";
import type { KubeReads } from "./kube-reads";

export type ServicePods = { pods: PodFacts[]; via: string[]; serviceFound: boolean };

/** `a=b,c=d` from a Service selector, or null when a key or value is not label syntax. */
function selectorText(selector: Record<string, string>): string | null {
  const text = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return text && isLabelSelector(text) && !/[ ()!]/.test(text) ? text : null;
}

/** The usual labels a workload's pods carry its name in, tried when there is no Service of that name. */
const nameLabels = ["app.kubernetes.io/name", "app"];

/**
 * The pods behind a Service name: the Service's selector, else (a selector-less Service) its
 * EndpointSlices' pod references, else pods labelled with the name (`app.kubernetes.io/name`, `app`).
 */
export async function servicePods(kube: KubernetesProvider, reads: KubeReads, namespace: string, name: string): Promise<ServicePods> {
  if (!isDns1123Label(namespace) || !isDns1123Label(name)) {
    return { pods: [], via: [`${JSON.stringify(`${namespace}/${name}`.slice(0, 100))} is not a valid Service name; not looked up`], serviceFound: false };
  }
  const svc = await reads.read(`GET services/${namespace}/${name}`, () => kube.getService(namespace, name), (v) => v === null);
  if (svc) {
    const sel = selectorText(svc.selector);
    if (sel) {
      const pods = (await reads.read(`LIST pods/${namespace}?labelSelector=${sel}`, () => kube.listPods(namespace, sel), (v) => v.length === 0)) ?? [];
      return { pods, via: [`Service ${namespace}/${name} selects ${sel}: ${pods.length} pod(s)`], serviceFound: true };
    }
    const endpoints = (await reads.read(`LIST endpointslices/${namespace}?labelSelector=kubernetes.io/service-name=${name}`, () => kube.listEndpoints(namespace, name), (v) => v.length === 0)) ?? [];
    const names = [...new Set(endpoints.flatMap((e) => (e.pod && isDns1123Subdomain(e.pod) ? [e.pod] : [])))].slice(0, 10);
    const pods = (
      await Promise.all(names.map((pod) => reads.read(`GET pods/${namespace}/${pod}`, () => kube.getPod(namespace, pod), (v) => v === null)))
    ).filter((p): p is PodFacts => p !== null);
    return { pods, via: [`Service ${namespace}/${name} has no selector; its EndpointSlices name ${pods.length} pod(s)`], serviceFound: true };
  }
  for (const label of nameLabels) {
    const sel = `${label}=${name}`;
    const pods = (await reads.read(`LIST pods/${namespace}?labelSelector=${sel}`, () => kube.listPods(namespace, sel), (v) => v.length === 0)) ?? [];
    if (pods.length) return { pods, via: [`no Service ${namespace}/${name}; pods labelled ${sel}: ${pods.length}`], serviceFound: false };
  }
  return { pods: [], via: [`no Service ${namespace}/${name} and no pod labelled ${nameLabels.map((l) => `${l}=${name}`).join(" or ")}`], serviceFound: false };
}

/** The pod to read first: one that is failing, else the newest (a fresh rollout's pod). */
export function focusPod(pods: PodFacts[]): PodFacts | null {
  const failing = (p: PodFacts) => p.phase !== "Running" || p.containers.some((c) => !c.ready || c.restartCount > 0);
  return [...pods].sort((a, b) => Number(failing(b)) - Number(failing(a)) || (b.startTime ?? "").localeCompare(a.startTime ?? "") || a.name.localeCompare(b.name))[0] ?? null;
}
