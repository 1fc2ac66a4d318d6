/**
 * Scrapers: the processes whose scrape-target labels (`pod`, `container`, `service`, `job`,
 * `instance`, `endpoint`) name the collector of a metric rather than what an alert is about.
 * kube-state-metrics, for example, puts its own pod on every `KubeDeploymentReplicasMismatch`
 * (docs/architecture.md, "Case identity").
 */
export type ScraperKind = "kube-state-metrics" | "kubelet" | "node-exporter" | "blackbox" | "exporter";

export type Scraper = { kind: ScraperKind; name: string };

/** Names recognised as whole dash-separated words inside a job, container, service or pod value. */
const builtIn: Array<[string, ScraperKind]> = [
  ["kube-state-metrics", "kube-state-metrics"],
  ["node-exporter", "node-exporter"],
  ["kubelet", "kubelet"],
  ["cadvisor", "kubelet"],
  ["blackbox", "blackbox"],
];

export type ScraperNames = readonly string[];

function normalise(value: string): string {
  return value.toLowerCase().replace(/_/g, "-");
}

function containsWord(value: string, name: string): boolean {
  return `-${normalise(value)}-`.includes(`-${normalise(name)}-`);
}

/**
 * The scraper a label value names: a built-in name, a name from `SCRAPER_JOBS` (`extra`), or any
 * `…-exporter` (postgres-exporter, redis_exporter, prometheus-mysql-exporter, …).
 */
export function scraperNamed(value: string | undefined, extra: ScraperNames = []): Scraper | null {
  if (!value) return null;
  for (const [name, kind] of builtIn) if (containsWord(value, name)) return { kind, name };
  for (const name of extra) if (containsWord(value, name)) return { kind: "exporter", name: normalise(name) };
  if (containsWord(value, "exporter")) return { kind: "exporter", name: "exporter" };
  return null;
}

/** The scraper that collected an alert's series, read from its `job`, `container` and `service` labels. */
export function scraperOf(labels: Record<string, string>, extra: ScraperNames = []): Scraper | null {
  return scraperNamed(labels.job, extra) ?? scraperNamed(labels.container, extra) ?? scraperNamed(labels.service, extra);
}

/**
 * Whether a pod label names a scraper's own pod: its name carries a scraper's name
 * (`kube-prometheus-stack-kube-state-metrics-7d9c5b4f8-xk2lp`, `postgres-exporter-6b7f-x2`). A pod
 * that does not is the subject even when a scraper collected the series: kube-state-metrics' own
 * `pod` label on `kube_pod_*`, or the subject's pod with an exporter sidecar in it.
 */
export function isScraperPod(pod: string, extra: ScraperNames = []): boolean {
  return scraperNamed(pod, extra) !== null;
}
