import { describe, expect, it } from "vitest";
import { identityOf } from "@/lib/alerts/identity";
import { ServiceError } from "@/lib/errors";
import { investigateAlert } from "./investigate-alert";
import type { KubernetesProvider } from "./providers/types";
import { reportSchema } from "./report";
import { alertOf, failing, fixedNow, investigate, kubeOf, logsOf, metricsFor, metricsOf, podOf, silentLog } from "@/test/helpers/engine-providers";

const suffix = Math.random().toString(36).slice(2, 8);

describe("investigateAlert with no providers (embedded default)", () => {
  it("is honest: blockers, PromQL first then kubectl with the alert's own names, a known verdict", async () => {
    const alert = alertOf({
      alertname: `PaymentsQueueStuck${suffix}`,
      namespace: "payments",
      pod: "ledger-0",
      container: "ledger",
      severity: "warning",
    }, { generatorURL: "http://prom:9090/graph?g0.expr=sum%28ledger_pending%7Bnamespace%3D%22payments%22%7D%29+%3E+100&g0.tab=1" });
    const report = await investigate(alert);
    expect(report.family).toBe("generic");
    expect(report.target).toMatchObject({ type: "pod", name: "ledger-0", namespace: "payments", container: "ledger" });
    expect(report.analysis.blockers).toEqual(["B", "C", "D"]);
    expect(report.evidence.k8s.status).toBe("unavailable");
    expect(report.evidence.logs.status).toBe("unavailable");
    expect(report.evidence.metrics.status).toBe("unavailable");
    expect(report.queries).toEqual([]);
    expect(report.analysis.decision.label).toBe("blocked_no_evidence");
    const kinds = report.analysis.decision.steps.map((s) => s.kind);
    expect(kinds[0]).toBe("promql");
    expect(kinds.lastIndexOf("promql")).toBeLessThan(kinds.indexOf("kubectl"));
    expect(report.analysis.decision.next[0]).toBe(`sum(ledger_pending{namespace="payments"}) > 100`);
    expect(report.analysis.decision.next).toContain("kubectl -n payments logs ledger-0 -c ledger --previous --tail=200");
    expect(report.analysis.decision.next).toContain("kubectl -n payments describe pod ledger-0");
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    expect(report.analysis.verdict.classification).toBe("actionable");
    expect(report.analysis.verdict.oneLiner).toContain("missing evidence: B, C, D");
    expect(report.timeWindow).toEqual({ start: "2026-11-23T11:00:00.000Z", end: "2026-11-23T12:00:00.000Z", duration: "1h" });
  });

  it("marks blocker A when the alert names no target", async () => {
    const report = await investigate(alertOf({ alertname: `Mystery${suffix}`, severity: "critical" }));
    expect(report.target.type).toBe("unknown");
    expect(report.analysis.blockers).toContain("A");
    expect(report.analysis.decision.why.join("\n")).toContain("blocked A");
  });
});

describe("investigateAlert provider failures", () => {
  it("records a throwing provider as an error query and keeps going", async () => {
    const alert = alertOf({ alertname: `Weird${suffix}`, namespace: "shop", pod: "checkout-7d9f8-abcde" });
    const report = await investigate(alert, failing);
    expect(report.evidence.k8s.status).toBe("unavailable");
    expect(report.evidence.logs.status).toBe("unavailable");
    expect(report.evidence.metrics.status).toBe("unavailable");
    expect(report.analysis.blockers).toEqual(expect.arrayContaining(["B", "C", "D"]));
    expect(report.queries.length).toBeGreaterThan(3);
    for (const q of report.queries) {
      expect(q.outcome).toBe("error");
      expect(q.error).toContain("ECONNREFUSED");
    }
    expect(report.queries.map((q) => q.provider)).toEqual([...report.queries.map((q) => q.provider)].sort((a, b) => ["kubernetes", "prometheus", "logs", "alertmanager"].indexOf(a) - ["kubernetes", "prometheus", "logs", "alertmanager"].indexOf(b)));
  });

  it("times out a hanging provider, records `timeout` and still returns in time", async () => {
    const hang = () => new Promise<never>(() => {});
    const kube: KubernetesProvider = { ...kubeOf({}), getPod: hang, listEvents: hang };
    const alert = alertOf({ alertname: `Hang${suffix}`, namespace: "shop", pod: "checkout-7d9f8-abcde" });
    const started = Date.now();
    const report = await investigateAlert({
      ctx: { providers: { kubernetes: kube, metrics: { ...metricsOf({}), range: hang }, timeoutMs: 150 }, log: silentLog },
      input: { alert, family: "generic", identity: identityOf(alert, "generic"), timeWindow: "30m" },
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1500);
    reportSchema.parse(report);
    const pod = report.queries.find((q) => q.query.startsWith("GET pods/"));
    expect(pod?.outcome).toBe("timeout");
    expect(pod?.durationMs).toBeGreaterThanOrEqual(140);
    expect(report.queries.filter((q) => q.provider === "prometheus").every((q) => q.outcome === "timeout")).toBe(true);
    expect(report.analysis.blockers).toContain("D");
    expect(report.durationMs).toBeGreaterThanOrEqual(140);
  });

  it("rejects a malformed time window with invalid_input", async () => {
    const alert = alertOf({ alertname: `Bad${suffix}` });
    const run = investigateAlert({
      ctx: { providers: { timeoutMs: 100 }, log: silentLog, now: fixedNow },
      input: { alert, family: "generic", identity: identityOf(alert, "generic"), timeWindow: "an hour" },
    });
    await expect(run).rejects.toBeInstanceOf(ServiceError);
    await expect(run).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("investigateAlert determinism", () => {
  it("produces the same report for the same evidence and now", async () => {
    const alert = alertOf({ alertname: `Same${suffix}`, namespace: "shop", pod: "checkout-7d9f8-abcde" });
    const providers = () => ({
      kubernetes: kubeOf({ pod: podOf(), logs: ["dial tcp 10.0.0.7:5432: connect: connection refused"] }),
      metrics: metricsFor(alert, { restarts: [0, 1, 2], memory_working_set: [1e8, 2e8] }),
      logs: logsOf(["GET /healthz 200", "dial tcp db.shop:5432: connect: connection refused"]),
    });
    const a = await investigate(alert, providers());
    const b = await investigate(alert, providers());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.durationMs).toBe(0);
    expect(a.generatedAt).toBe("2026-11-23T12:00:00.000Z");
  });
});
