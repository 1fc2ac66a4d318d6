import { describe, expect, it } from "vitest";
import { alertOf, investigate, metricsOf } from "../testing/providers";

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
