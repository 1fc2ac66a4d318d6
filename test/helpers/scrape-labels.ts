/**
 * Scrape-target labels as kube-prometheus-stack's ServiceMonitors (prometheus-operator) put them on
 * every series of these jobs: they name the scraper, not what an alert is about.
 */
export type ScraperJob = "kube-state-metrics" | "kubelet" | "node-exporter";

export const scrapeLabels: Record<ScraperJob, Record<string, string>> = {
  "kube-state-metrics": {
    job: "kube-state-metrics",
    namespace: "monitoring",
    pod: "kube-prometheus-stack-kube-state-metrics-7d9c5b4f8-xk2lp",
    container: "kube-state-metrics",
    service: "kube-prometheus-stack-kube-state-metrics",
    endpoint: "http",
    instance: "10.42.0.17:8080",
  },
  kubelet: {
    job: "kubelet",
    namespace: "kube-system",
    node: "node-a",
    service: "kube-prometheus-stack-kubelet",
    endpoint: "https-metrics",
    metrics_path: "/metrics",
    instance: "10.0.0.11:10250",
  },
  "node-exporter": {
    job: "node-exporter",
    namespace: "monitoring",
    pod: "kube-prometheus-stack-prometheus-node-exporter-4xk9p",
    container: "node-exporter",
    service: "kube-prometheus-stack-prometheus-node-exporter",
    endpoint: "http-metrics",
    instance: "node-a",
  },
};
