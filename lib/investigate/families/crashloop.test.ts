import { describe, expect, it } from "vitest";
import { alertOf, containerOf, investigate, kubeOf, podOf } from "@/test/helpers/engine-providers";

// What the report may say about logs and old terminations, by which provider answered; the crash
// diagnoses themselves are real-peer scenarios in test/scenarios/families.ts.

const labels = { alertname: "KubePodCrashLooping", severity: "critical", namespace: "payments", pod: "checkout-7d9f8-x2k4q", container: "api" };

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
