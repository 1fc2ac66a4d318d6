import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { dedupeBucket, dedupeKey, reportBaseKey } from "./dedupe-key";
import { familyOf } from "./family";
import { identityOf } from "./identity";
import { labelFingerprint, normalizeAlert } from "./normalize";
import { alertmanagerWebhookSchema } from "./schema";

const firing = JSON.parse(fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8"));
const resolved = JSON.parse(fs.readFileSync("docs/examples/alertmanager-resolved.json", "utf8"));
const now = new Date("2026-11-23T10:00:00Z");

describe("Alertmanager payloads", () => {
  it("parses the shipped examples", () => {
    expect(alertmanagerWebhookSchema.safeParse(firing).success).toBe(true);
    expect(alertmanagerWebhookSchema.safeParse(resolved).success).toBe(true);
  });

  it("treats the Go zero time in endsAt as unset: the alert is firing", () => {
    const p = alertmanagerWebhookSchema.parse(firing);
    const a = normalizeAlert(p.alerts[0], p, now);
    expect(a.status).toBe("firing");
    expect(a.endsAt).toBeNull();
    expect(a.fingerprint).toBe("a1c3e5f7b9d20486");
    expect(a.alertname).toBe("KubePodCrashLooping");
  });

  it("treats a real past endsAt as resolved and a future one as firing", () => {
    const p = alertmanagerWebhookSchema.parse(resolved);
    expect(normalizeAlert(p.alerts[0], p, now).status).toBe("resolved");
    const future = { ...p.alerts[0], endsAt: "2026-11-23T11:00:00Z" };
    expect(normalizeAlert(future, p, now).status).toBe("firing");
  });

  it("derives the fingerprint from the sorted label set when missing", () => {
    const p = alertmanagerWebhookSchema.parse(firing);
    const { fingerprint: _omit, ...rest } = p.alerts[0];
    const a = normalizeAlert(rest, p, now);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(p.alerts[0].labels).reverse());
    expect(labelFingerprint(reordered)).toBe(a.fingerprint);
    expect(labelFingerprint({ ...reordered, pod: "other" })).not.toBe(a.fingerprint);
  });

  it("rejects malformed payloads with the failing path", () => {
    const noAlerts = alertmanagerWebhookSchema.safeParse({ ...firing, alerts: [] });
    expect(noAlerts.success).toBe(false);
    const badLabels = alertmanagerWebhookSchema.safeParse({ ...firing, alerts: [{ labels: { a: 1 } }] });
    expect(badLabels.success).toBe(false);
    if (!badLabels.success) expect(badLabels.error.issues[0].path).toEqual(["alerts", 0, "labels", "a"]);
  });
});

describe("family registry", () => {
  it.each([
    ["KubePodCrashLooping", "crashloop"],
    ["KubernetesPodNotHealthy", "pod_not_healthy"],
    ["KubernetesContainerOomKiller", "oom_killed"],
    ["CPUThrottlingHigh", "cpu_throttling"],
    ["Http5xxRateHigh", "http_5xx"],
    ["CheckoutP99LatencyHigh", "latency"],
    ["TargetDown", "target_down"],
    ["KubeDeploymentRolloutStuck", "k8s_rollout_health"],
    ["KubeJobFailed", "job_failed"],
    ["KubeNodeNotReady", "node_health"],
    ["NodeFilesystemSpaceFillingUp", "volume_filling"],
    ["CertificateExpiringIn7Days", "cert_expiry"],
    ["EvalWorkerStarvation", "queue_backlog"],
    ["RedisCacheChurnHigh", "cache_churn"],
    ["PostgresReplicationLagHigh", "replication_lag"],
    ["PrometheusHighCardinality", "observability_pipeline"],
    ["Watchdog", "meta"],
    ["SomethingElse", "generic"],
  ])("%s → %s", (name, family) => {
    expect(familyOf(name)).toBe(family);
  });
});

describe("identity and dedupe key", () => {
  const p = alertmanagerWebhookSchema.parse(firing);
  const alert = normalizeAlert(p.alerts[0], p, now);

  it("keys pods by cluster/namespace/pod and jobs by job_name", () => {
    const id = identityOf(alert, "crashloop");
    expect(id.kind).toBe("pod");
    expect(id.key).toBe("pod|prod-eu1|payments|checkout-api-7d9f8b6c5-x2k4q");
    const job = { ...alert, labels: { ...alert.labels, job_name: "nightly-backup-2911" } };
    expect(identityOf(job, "job_failed").kind).toBe("job");
  });

  it("keys rollout-noisy alerts by owning workload (+ container for OOM)", () => {
    const oom = { ...alert, alertname: "KubernetesContainerOomKiller" };
    const workload = { kind: "Deployment", name: "checkout-api", namespace: "payments" };
    const id = identityOf(oom, "oom_killed", { workload });
    expect(id.kind).toBe("workload");
    expect(id.key).toBe("workload|prod-eu1|payments|deployment|checkout-api|api");
    const otherPod = { ...oom, labels: { ...oom.labels, pod: "checkout-api-55bd-zz" } };
    expect(identityOf(otherPod, "oom_killed", { workload }).key).toBe(id.key);
    // Not rollout-noisy: the workload is ignored and the pod is the identity.
    expect(identityOf(alert, "crashloop", { workload }).kind).toBe("pod");
  });

  it("uses fixed 4-hour UTC buckets", () => {
    expect(dedupeBucket(new Date("2026-11-23T03:59:59Z"))).toBe("2026-11-23T00:00:00.000Z");
    expect(dedupeBucket(new Date("2026-11-23T04:00:00Z"))).toBe("2026-11-23T04:00:00.000Z");
    const identity = identityOf(alert, "crashloop");
    const a = dedupeKey({ identity, family: "crashloop", alertname: alert.alertname, bucket: "2026-11-23T04:00:00.000Z" });
    const b = dedupeKey({ identity, family: "crashloop", alertname: alert.alertname, bucket: "2026-11-23T08:00:00.000Z" });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it("lays report keys out as <prefix>/<day>/<identity>-<family>-<bucket>-<dedupe key>", () => {
    const identity = identityOf(alert, "crashloop");
    const bucket = "2026-11-23T08:00:00.000Z";
    const key = dedupeKey({ identity, family: "crashloop", alertname: alert.alertname, bucket });
    expect(reportBaseKey({ prefix: "investigations/", identity, family: "crashloop", bucket, dedupeKey: key })).toBe(
      `investigations/2026-11-23/prod-eu1-payments-checkout-api-7d9f8b6c5-x2k4q-crashloop-20261123t08-${key}`,
    );
    expect(reportBaseKey({ prefix: "", identity, family: "crashloop", bucket, dedupeKey: key })).toMatch(/^2026-11-23\//);
  });
});
