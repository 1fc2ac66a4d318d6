import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { targetOf } from "@/lib/investigate/target";
import { loadAlertRules, scrapeLabels, type AlertRule } from "@/test/helpers/kube-prometheus-rules";
import { dedupeKey, reportBaseKey } from "./dedupe-key";
import { familyOf } from "./family";
import { identityOf } from "./identity";
import type { NormalizedAlert } from "./schema";

function alert(labels: Record<string, string>, fingerprint = "f0"): NormalizedAlert {
  return {
    fingerprint,
    status: "firing",
    alertname: labels.alertname,
    labels,
    annotations: {},
    startsAt: "2026-12-04T08:00:00.000Z",
    endsAt: null,
    generatorURL: null,
    externalURL: null,
    receiver: null,
  };
}

const bucket = "2026-12-04T08:00:00.000Z";

function keysOf(a: NormalizedAlert, scrapers: string[] = []) {
  const family = familyOf(a.alertname, a.labels);
  const identity = identityOf(a, family, { scrapers });
  const key = dedupeKey({ identity, family, alertname: a.alertname, bucket });
  return {
    identity,
    dedupeKey: key,
    reportKey: reportBaseKey({ prefix: "investigations", identity, family, bucket, dedupeKey: key }),
    target: targetOf(a, family, undefined, identity.subject),
  };
}

const ksm = scrapeLabels["kube-state-metrics"];

describe("identity is the alert's subject, not its scrape target", () => {
  it("gives four kube-state-metrics alerts about four objects four identities", () => {
    const alerts = [
      alert({ alertname: "KubeDeploymentReplicasMismatch", ...ksm, namespace: "shop", deployment: "cart" }),
      alert({ alertname: "KubeDeploymentReplicasMismatch", ...ksm, namespace: "shop", deployment: "checkout" }),
      alert({ alertname: "KubeNodeNotReady", ...ksm, node: "node-a", condition: "Ready", status: "true" }),
      alert({ alertname: "KubeNodeNotReady", ...ksm, node: "node-b", condition: "Ready", status: "true" }),
    ].map((a) => keysOf(a));
    expect(alerts.map((k) => k.identity.key)).toEqual([
      "workload||shop|deployment|cart",
      "workload||shop|deployment|checkout",
      "node|||node-a",
      "node|||node-b",
    ]);
    expect(alerts.map((k) => [k.target.type, k.target.name])).toEqual([
      ["workload", "cart"],
      ["workload", "checkout"],
      ["node", "node-a"],
      ["node", "node-b"],
    ]);
    // A node is not namespaced by the namespace kube-state-metrics runs in.
    expect(alerts[2].identity.namespace).toBeNull();
    expect(new Set(alerts.map((k) => k.reportKey)).size).toBe(4);
  });

  it("keeps kube-state-metrics' own pod label on kube_pod_* series as the subject", () => {
    const k = keysOf(alert({ alertname: "KubePodCrashLooping", ...ksm, namespace: "shop", pod: "cart-7d9f8b6c5-x2k4q", container: "app" }));
    expect(k.identity.key).toBe("pod||shop|cart-7d9f8b6c5-x2k4q");
    expect(k.target).toMatchObject({ type: "pod", name: "cart-7d9f8b6c5-x2k4q", container: "app", service: null });
  });

  it("falls back to the scraper's own pod when the alert names nothing else (kube-state-metrics crashlooping)", () => {
    const k = keysOf(alert({ alertname: "KubePodCrashLooping", ...ksm, container: "kube-state-metrics" }));
    expect(k.identity.key).toBe(`pod||monitoring|${ksm.pod}`);
    expect(k.target).toMatchObject({ type: "pod", name: ksm.pod, container: "kube-state-metrics" });
  });

  it("treats an exporter sidecar's pod as the subject and drops the exporter's container", () => {
    const labels = { job: "db", namespace: "data", container: "postgres-exporter", service: "db", endpoint: "metrics", instance: "10.1.0.4:9187" };
    const a = keysOf(alert({ alertname: "PostgresReplicationLagHigh", ...labels, pod: "db-1" }));
    const b = keysOf(alert({ alertname: "PostgresReplicationLagHigh", ...labels, pod: "db-2" }));
    expect([a.identity.key, b.identity.key]).toEqual(["pod||data|db-1", "pod||data|db-2"]);
    expect(a.target).toMatchObject({ type: "pod", name: "db-1", container: null });
  });

  it("takes the object labels over a standalone exporter's pod", () => {
    const exporter = { job: "redis-exporter", namespace: "cache", pod: "redis-exporter-5c8d-q7w", container: "redis-exporter", service: "redis-exporter" };
    const k = keysOf(alert({ alertname: "RedisCacheChurnHigh", ...exporter, statefulset: "sessions" }));
    expect(k.identity.key).toBe("workload||cache|statefulset|sessions");
    expect(k.target).toMatchObject({ type: "workload", name: "sessions", pod: null, container: null, service: null });
  });

  it("recognises extra scrapers from SCRAPER_JOBS", () => {
    const labels = { alertname: "KubeDeploymentReplicasMismatch", job: "acme-collector", namespace: "shop", pod: "acme-collector-5f6c-zz9", deployment: "cart" };
    expect(keysOf(alert(labels)).identity.kind).toBe("pod");
    expect(keysOf(alert(labels), ["acme-collector"]).identity.key).toBe("workload||shop|deployment|cart");
  });

  it("keys a blackbox probe by the probed target, not the blackbox pod", () => {
    const probe = { alertname: "ProbeFailed", job: "blackbox", namespace: "monitoring", pod: "blackbox-exporter-6d4-k2", service: "blackbox-exporter" };
    const a = keysOf(alert({ ...probe, instance: "https://shop.example.com/healthz" }));
    const b = keysOf(alert({ ...probe, instance: "https://api.example.com/healthz" }));
    expect(a.identity.key).toBe("probe|||https://shop.example.com/healthz");
    expect(b.identity.key).not.toBe(a.identity.key);
    expect(a.target).toMatchObject({ type: "service", name: "https://shop.example.com/healthz" });
  });

  it("keeps the scrape target as the subject of TargetDown", () => {
    const k = keysOf(alert({ alertname: "TargetDown", job: "kube-state-metrics", namespace: "monitoring", service: ksm.service }));
    expect(k.identity.key).toBe(`service||monitoring|${ksm.service}`);
  });

  it("reads the series' own namespace and pod from exported_* labels when honor_labels is off", () => {
    const k = keysOf(alert({ alertname: "KubeDeploymentReplicasMismatch", ...ksm, exported_namespace: "shop", deployment: "cart" }));
    expect(k.identity.key).toBe("workload||shop|deployment|cart");
  });

  it("escapes the key separator so label values cannot forge another identity", () => {
    const a = identityOf(alert({ alertname: "X", namespace: "a|b", pod: "c" }), "generic");
    const b = identityOf(alert({ alertname: "X", namespace: "a", pod: "b|c" }), "generic");
    expect(a.key).not.toBe(b.key);
  });
});

describe("kube-prometheus rules: alerts on different subjects with the same scrape-target labels", () => {
  const subjectLabels: Array<[label: string, type: string]> = [
    ["job_name", "workload"],
    ["pod", "pod"],
    ["deployment", "workload"],
    ["statefulset", "workload"],
    ["daemonset", "workload"],
    ["horizontalpodautoscaler", "object"],
    ["poddisruptionbudget", "object"],
    ["persistentvolumeclaim", "object"],
    ["persistentvolume", "object"],
    ["resourcequota", "object"],
    ["node", "node"],
  ];
  const subjectValues: Record<string, [string, string]> = {
    job_name: ["backup-29000", "report-29001"],
    pod: ["cart-7d9f8b6c5-x2k4q", "checkout-5c6d7b8f9-abcde"],
    node: ["node-a", "node-b"],
    persistentvolumeclaim: ["data-pg-0", "data-pg-1"],
    persistentvolume: ["pvc-0a1b2c", "pvc-3d4e5f"],
    resourcequota: ["team-a", "team-b"],
  };
  const ownValues: Record<string, string> = { namespace: "shop", container: "app", reason: "CrashLoopBackOff", condition: "Ready", status: "true" };

  function carriesScrapeLabels(rule: AlertRule): boolean {
    if (!rule.scraperJob) return false;
    return Object.keys(scrapeLabels[rule.scraperJob]).some((l) => rule.labelNames.has(l) && !rule.ownLabels.has(l));
  }

  /** Two alerts of one rule: same scrape-target labels, different subjects; the subject it should be keyed by. */
  function pair(rule: AlertRule): { alerts: [NormalizedAlert, NormalizedAlert]; type: string; names: [string, string] } {
    const job = rule.scraperJob as keyof typeof scrapeLabels;
    const subject = subjectLabels.find(([l]) => rule.labelNames.has(l) && rule.ownLabels.has(l));
    const make = (i: 0 | 1): NormalizedAlert => {
      const labels: Record<string, string> = { alertname: rule.alert, ...rule.labels };
      for (const name of rule.labelNames) {
        if (name === "cluster") continue;
        if (rule.ownLabels.has(name)) labels[name] = subjectValues[name]?.[i] ?? (subject?.[0] === name ? ["cart", "checkout"][i] : (ownValues[name] ?? `${name}-1`));
        else labels[name] = (scrapeLabels[job] as Record<string, string>)[name] ?? `${name}-1`;
      }
      if (!subject) {
        // The scraper runs on each node (kubelet, node-exporter): its per-node labels name the subject.
        const node = ["node-a", "node-b"][i];
        if (labels.node !== undefined) labels.node = node;
        if (job === "node-exporter") labels.instance = node;
        else if (labels.instance !== undefined) labels.instance = ["10.0.0.11:10250", "10.0.0.12:10250"][i];
        if (labels.pod !== undefined) labels.pod = `${labels.pod.slice(0, -5)}${["4xk9p", "7mq2z"][i]}`;
      }
      return alert(labels, `${rule.alert}-${i}`);
    };
    const alerts: [NormalizedAlert, NormalizedAlert] = [make(0), make(1)];
    if (subject) return { alerts, type: subject[1], names: [alerts[0].labels[subject[0]], alerts[1].labels[subject[0]]] };
    return { alerts, type: "node", names: ["node-a", "node-b"] };
  }

  const rules = loadAlertRules().filter(carriesScrapeLabels);

  it("covers the kube-state-metrics, kubelet and node-exporter rules that carry scrape-target labels", () => {
    expect(rules.length).toBeGreaterThanOrEqual(60);
    expect(new Set(rules.map((r) => r.scraperJob))).toEqual(new Set(["kube-state-metrics", "kubelet", "node-exporter"]));
  });

  it.each(rules.map((r, i) => [`${r.alert} #${i}`, r] as const))("%s", (_name, rule) => {
    const { alerts, type, names } = pair(rule);
    const [a, b] = alerts.map((x) => keysOf(x));
    expect(a.identity.key).not.toBe(b.identity.key);
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
    expect(a.reportKey).not.toBe(b.reportKey);
    expect([a.target.type, a.target.name]).toEqual([type, names[0]]);
    expect([b.target.type, b.target.name]).toEqual([type, names[1]]);
    for (const k of [a, b]) {
      expect(k.identity.key).not.toMatch(/kube-state-metrics|node-exporter|kubelet/);
      if (type === "node") expect(k.identity.namespace).toBeNull();
    }
  });
});

describe("report keys", () => {
  it("differ for identities whose slugs are the same", () => {
    const a = keysOf(alert({ alertname: "KubePodCrashLooping", namespace: "PAYMENTS", pod: "API_1" }));
    const b = keysOf(alert({ alertname: "KubePodCrashLooping", namespace: "payments", pod: "api-1" }));
    expect(a.identity.slug).toBe(b.identity.slug);
    expect(a.reportKey).not.toBe(b.reportKey);
  });

  it("never map two distinct identity keys to one report key (property)", () => {
    const value = fc.oneof(fc.constantFrom("payments", "PAYMENTS", "api-1", "API_1", "api 1", "a|b", "b", "a\\", "|"), fc.string({ maxLength: 12 }));
    const labels = fc.dictionary(
      fc.constantFrom("namespace", "pod", "service", "deployment", "node", "job", "job_name", "instance", "container", "persistentvolumeclaim", "cluster"),
      value,
      { maxKeys: 5 },
    );
    const arb = fc.record({ labels, fingerprint: fc.constantFrom("f1", "f2") });
    fc.assert(
      fc.property(arb, arb, (x, y) => {
        const a = keysOf(alert({ alertname: "KubePodCrashLooping", ...x.labels }, x.fingerprint));
        const b = keysOf(alert({ alertname: "KubePodCrashLooping", ...y.labels }, y.fingerprint));
        if (a.identity.key !== b.identity.key) expect(a.reportKey).not.toBe(b.reportKey);
        else expect(a.reportKey).toBe(b.reportKey);
      }),
      { numRuns: 2_000 },
    );
  });
});
