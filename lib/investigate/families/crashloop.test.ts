import { describe, expect, it } from "vitest";
import { alertOf, containerOf, investigate, kubeOf, metricsOf, podOf } from "../testing/providers";

const labels = { alertname: "KubePodCrashLooping", severity: "critical", namespace: "payments", pod: "checkout-7d9f8-x2k4q", container: "api" };
const mib = 1024 * 1024;

describe("crashloop with metrics only (no Kubernetes, no logs)", () => {
  it("infers an OOM kill from a working set at the limit while restarts rise, and says it is an inference", async () => {
    const metrics = metricsOf({
      kube_pod_container_status_restarts_total: [0, 1, 0, 2, 1, 2],
      container_memory_working_set_bytes: [300 * mib, 400 * mib, 480 * mib, 505 * mib, 300 * mib, 508 * mib],
      kube_pod_container_resource_limits: [512 * mib, 512 * mib, 512 * mib, 512 * mib, 512 * mib, 512 * mib],
    });
    const report = await investigate(alertOf(labels), { metrics });
    expect(report.analysis.enrichment.label).toBe("suspected_oom_crash");
    expect(report.analysis.enrichment.why.join(" ")).toMatch(/inferred from metrics only/);
    expect(report.analysis.hypotheses[0].category).toBe("oom");
    expect(report.analysis.hypotheses[0].counter.join(" ")).toMatch(/not seen/);
    expect(report.analysis.blockers).toContain("B");
  });

  it("does not infer an OOM kill when memory stays well below the limit", async () => {
    const metrics = metricsOf({
      kube_pod_container_status_restarts_total: [0, 1, 0, 2],
      container_memory_working_set_bytes: [100 * mib, 120 * mib, 110 * mib, 130 * mib],
      kube_pod_container_resource_limits: [512 * mib, 512 * mib, 512 * mib, 512 * mib],
    });
    const report = await investigate(alertOf(labels), { metrics });
    expect(report.analysis.enrichment.label).not.toBe("suspected_oom_crash");
    expect(report.analysis.hypotheses.map((h) => h.category)).not.toContain("oom");
  });
});

describe("honest wording", () => {
  const now = new Date("2026-11-23T12:00:00.000Z");
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
  const crashing = containerOf({ name: "api", ready: false, restartCount: 4, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "Error", lastTerminatedExitCode: 3, lastTerminatedAt: minutesAgo(2) });

  it("never claims to have read logs that were not read", async () => {
    const report = await investigate(alertOf(labels), { kubernetes: kubeOf({ pod: podOf({ namespace: "payments", name: labels.pod, containers: [crashing] }) }) });
    const said = [...report.analysis.enrichment.why, ...report.analysis.hypotheses.flatMap((h) => [...h.why, ...h.counter])].join("\n");
    expect(report.evidence.logs.status).toBe("unavailable");
    expect(said).not.toMatch(/in the (\d+ )?log line\(s\) read|logs read show/);
    expect(said).toMatch(/logs were not read/);
  });

  it("says how many lines were read when it found no pattern in them", async () => {
    const report = await investigate(alertOf(labels), {
      kubernetes: kubeOf({ pod: podOf({ namespace: "payments", name: labels.pod, containers: [crashing] }), previousLogs: ["starting", "serving on :8080"] }),
    });
    expect(report.analysis.enrichment.why).toContain("no known failure pattern in the 2 log line(s) read");
  });

  it("does not explain a current crash with a termination older than the window", async () => {
    const healthy = containerOf({ name: "api", restartCount: 2, lastTerminatedReason: "Error", lastTerminatedExitCode: 1, lastTerminatedAt: minutesAgo(300) });
    const report = await investigate(alertOf(labels), { kubernetes: kubeOf({ pod: podOf({ namespace: "payments", name: labels.pod, containers: [healthy] }) }) });
    expect(report.analysis.verdict.classification).toBe("artifact");
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    expect(report.analysis.enrichment.why[0]).toMatch(/predates the window/);
    expect(report.analysis.hypotheses.map((h) => h.category)).not.toContain("app_crash");
  });

  it("names evidence for and against every hypothesis", async () => {
    const report = await investigate(alertOf(labels), { kubernetes: kubeOf({ pod: podOf({ namespace: "payments", name: labels.pod, containers: [crashing] }) }) });
    for (const h of report.analysis.hypotheses) {
      expect(h.why.length, h.id).toBeGreaterThan(0);
      if (h.category !== "unknown") expect(h.counter.length, h.id).toBeGreaterThan(0);
    }
  });
});

describe("configuration crash loops look like app crashes but are config errors", () => {
  const crashing = containerOf({ name: "api", ready: false, restartCount: 6, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "Error", lastTerminatedExitCode: 1, lastTerminatedAt: "2026-11-23T11:58:00.000Z" });
  it.each([
    ["Java/Spring", ["Application run failed", "java.lang.IllegalArgumentException: Could not resolve placeholder 'DB_URL' in value \"${DB_URL}\""]],
    ["Rust", ["thread 'main' panicked at src/main.rs:12:5:", "SESSION_KEY: environment variable not found"]],
    ["Node", ["Error: ENOENT: no such file or directory, open '/etc/app/settings.json'", "    at Object.openSync (node:fs:573:18)"]],
    ["Go", ["flag provided but not defined: -listen-adress", "Usage of /app:"]],
  ])("%s", async (_lang, lines) => {
    const report = await investigate(alertOf(labels), { kubernetes: kubeOf({ pod: podOf({ namespace: "payments", name: labels.pod, containers: [crashing] }), previousLogs: lines }) });
    expect(report.analysis.enrichment.label).toBe("suspected_config_or_permission_error");
    expect(report.analysis.hypotheses[0]?.category).toBe("config_error");
  });

  it("a panic with no configuration wording stays an application crash", async () => {
    const report = await investigate(alertOf(labels), {
      kubernetes: kubeOf({ pod: podOf({ namespace: "payments", name: labels.pod, containers: [crashing] }), previousLogs: ["panic: runtime error: index out of range [3] with length 3"] }),
    });
    expect(report.analysis.enrichment.label).toBe("suspected_app_runtime_failure");
    expect(report.analysis.hypotheses[0]?.category).toBe("app_crash");
  });
});
