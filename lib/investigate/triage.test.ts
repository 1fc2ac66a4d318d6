import { describe, expect, it } from "vitest";
import { alertOf, investigate, kubeOf, logsOf, metricsOf, podOf } from "@/test/helpers/engine-providers";

// A service-level alert whose Service and pods the cluster does not have: Kubernetes answered, so
// the gap is the target's identity (blocker A), and "Next" must say how to find the workload.

const labels = { alertname: "HighHttp5xxRate", severity: "critical", namespace: "shop", service: "checkout" };
const findWorkload = [
  "kubectl -n shop get service checkout -o jsonpath='{.spec.selector}'",
  "kubectl -n shop get endpointslices -l kubernetes.io/service-name=checkout -o wide",
  "kubectl -n shop get pods -l app.kubernetes.io/name=checkout -o wide",
];

describe("triage of an alert whose subject cannot be resolved", () => {
  it("reports blocker A with the resolution's reason, and Next steps that find the workload", async () => {
    const report = await investigate(alertOf(labels), { kubernetes: kubeOf({}), metrics: metricsOf({}), logs: logsOf([]) });
    expect(report.family).toBe("http_5xx");
    expect(report.target).toMatchObject({ type: "service", name: "checkout", namespace: "shop", workload: null, pod: null });
    expect(report.evidence.k8s.status).toBe("ok");
    expect(report.evidence.k8s.resolution).toMatchObject({ status: "unresolved", strategy: "service", from: "Service shop/checkout" });

    expect(report.analysis.blockers).toContain("A");
    expect(report.analysis.blockers).not.toContain("B");
    const blockedA = report.analysis.decision.why.find((w) => w.startsWith("blocked A"));
    expect(blockedA).toContain("the workload behind Service shop/checkout was not found");
    expect(blockedA).toContain("no Service shop/checkout");
    expect(report.analysis.decision.label).toBe("partial_evidence");

    const next = report.analysis.decision.next;
    expect(next).toEqual(expect.arrayContaining(findWorkload));
    // The alert named its Service: asking for labels it already has would send the reader astray.
    expect(next.join("\n")).not.toMatch(/Add namespace and pod/);
    for (const cmd of findWorkload) expect(report.analysis.decision.steps).toContainEqual({ kind: "kubectl", text: cmd });
    // Nothing was found, so no cause outranks "we do not know".
    expect(report.analysis.enrichment.label).toBe("unknown_needs_human");
    expect(report.analysis.hypotheses[0]?.category).toBe("unknown");
  });

  it("drops blocker A and the find-the-workload steps once the Service's pods are found", async () => {
    const pod = podOf({ namespace: "shop", labels: { app: "checkout" } });
    const report = await investigate(alertOf(labels), { kubernetes: kubeOf({ pod }), metrics: metricsOf({}), logs: logsOf([]) });
    expect(report.evidence.k8s.resolution).toMatchObject({ status: "resolved", strategy: "service" });
    expect(report.analysis.blockers).not.toContain("A");
    for (const cmd of findWorkload) expect(report.analysis.decision.next).not.toContain(cmd);
  });

  it("blames Kubernetes access (B), not the target's identity, when the cluster could not be asked", async () => {
    const report = await investigate(alertOf(labels), { metrics: metricsOf({}), logs: logsOf([]) });
    expect(report.evidence.k8s.resolution).toMatchObject({ status: "unresolved" });
    expect(report.analysis.blockers).toContain("B");
    expect(report.analysis.blockers).not.toContain("A");
  });
});
