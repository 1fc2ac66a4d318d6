import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown";
import { alertOf, failing, investigate, kubeOf, logsOf, metricsOf, podOf } from "./testing/providers";

describe("renderMarkdown", () => {
  it("has every section and puts commands in fenced blocks", async () => {
    const alert = alertOf(
      { alertname: "OrdersStale", namespace: "shop", pod: "checkout-7d9f8-abcde", container: "app", severity: "critical" },
      { generatorURL: "http://prom:9090/graph?g0.expr=orders_age_seconds%7Bnamespace%3D%22shop%22%7D+%3E+600" },
    );
    const report = await investigate(alert, {
      kubernetes: kubeOf({ pod: podOf() }),
      metrics: metricsOf({ orders_age_seconds: [100, 700, 900] }),
      logs: logsOf(["panic: runtime error: index out of range | `weird`"]),
    });
    const md = renderMarkdown(report);
    for (const heading of ["# OrdersStale — shop/checkout-7d9f8-abcde (generic)", "## Triage:", "## Enrichment:", "## Likely causes", "## Verdict", "## Scores", "## Noise", "## Evidence", "### Kubernetes (ok)", "### Metrics (ok, prometheus)", "### Logs (ok, loki)", "### Queries"]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain("```promql\norders_age_seconds{namespace=\"shop\"} > 600");
    expect(md).toMatch(/```sh\nkubectl -n shop describe pod checkout-7d9f8-abcde\n/);
    expect(md).toContain(`| prometheus | ok | 0 | \`orders_age_seconds{namespace="shop"} > 600\` |`);
    expect(md).toContain("panic or unhandled exception");
    expect(md).toContain("\\| `weird`");
    expect(md).toContain(`classification: \`${report.analysis.verdict.classification}\``);
    expect(md).toMatch(/severity_critical \| impact \| \+40/);
  });

  it("shows blockers and failed queries with their error", async () => {
    const report = await investigate(alertOf({ alertname: "X", namespace: "shop", pod: "p-1" }), failing);
    const md = renderMarkdown(report);
    expect(md).toContain("**Blocked by**");
    expect(md).toContain("- B: Kubernetes context missing");
    expect(md).toMatch(/\| kubernetes \| error: connect ECONNREFUSED 127.0.0.1:1 \| 0 \|/);
  });
});
