import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown";
import { alertOf, failing, investigate, kubeOf, logsOf, metricsFor, metricsOf, podOf } from "@/test/helpers/engine-providers";

describe("renderMarkdown", () => {
  it("has every section and puts commands in fenced blocks", async () => {
    const alert = alertOf(
      { alertname: "OrdersStale", namespace: "shop", pod: "checkout-7d9f8-abcde", container: "app", severity: "critical" },
      { generatorURL: "http://prom:9090/graph?g0.expr=orders_age_seconds%7Bnamespace%3D%22shop%22%7D+%3E+600" },
    );
    const report = await investigate(alert, {
      kubernetes: kubeOf({ pod: podOf() }),
      metrics: metricsFor(alert, { alert_expr: [100, 700, 900] }),
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
    expect(md).toContain("\\| \\`weird\\`");
    expect(md).toContain(`classification: \`${report.analysis.verdict.classification}\``);
    expect(md).toMatch(/severity\\_critical \| impact \| \+40/);
  });

  it("shows blockers and failed queries with their error", async () => {
    const report = await investigate(alertOf({ alertname: "X", namespace: "shop", pod: "p-1" }), failing);
    const md = renderMarkdown(report);
    expect(md).toContain("**Blocked by**");
    expect(md).toContain("- B: Kubernetes context missing");
    expect(md).toMatch(/\| kubernetes \| error: connect ECONNREFUSED 127.0.0.1:1 \| 0 \|/);
  });

  it("escapes every alert-derived string: no link, HTML, emphasis, heading, table cell or code span comes out of a label", async () => {
    const hostile = "x*y_z[t](http://evil.example)#h<img src=x>|p`q\n# injected\n| forged | row |";
    const alert = alertOf(
      { alertname: `Orders ${hostile}`, namespace: "shop", pod: "checkout-7d9f8-abcde", container: hostile, severity: "critical", job: hostile },
      { generatorURL: `http://prom:9090/graph?g0.expr=${encodeURIComponent(`orders_age_seconds{job="${hostile.replace(/\n/g, "\\n").replace(/"/g, '\\"')}"} > 1`)}` },
    );
    const report = await investigate(alert, {
      kubernetes: kubeOf({ pod: podOf({ containers: [{ ...podOf().containers[0]!, name: hostile, waitingReason: hostile }] }), events: [{ type: "Warning", reason: hostile, message: hostile, count: 2, lastTimestamp: "2026-11-23T11:50:00.000Z", involvedObject: { kind: "Pod", name: "checkout-7d9f8-abcde" } }] }),
      metrics: metricsOf({ orders_age_seconds: [100, 700, 900] }),
      logs: logsOf([`ERROR ${hostile}`]),
    });
    const md = renderMarkdown(report);
    const outsideFences = md.replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?\n\1\2$/gm, "");
    // An escaped backtick (\`) is text, not a code-span delimiter: drop it before pairing the real ones.
    const outsideCode = outsideFences.replace(/\\`/g, "").replace(/(`+)(?!`)[^\n]*?[^`\n]\1(?!`)/g, "");
    expect(outsideFences).not.toMatch(/^\s*#+ injected/m);
    expect(outsideFences).not.toMatch(/^\| forged/m);
    for (const raw of ["x*y", "y_z", "[t]", "p`q"]) expect(outsideCode, raw).not.toContain(raw);
    for (const marker of [/(?<!\\)<img/, /(?<!\\)\|p/, /(?<!\\)#h/]) expect(outsideCode).not.toMatch(marker);
    expect(md).toContain("# Orders x\\*y\\_z\\[t\\](http://evil.example)\\#h\\<img src=x\\>\\|p\\`q \\# injected \\| forged \\| row \\|");
    const tableRows = md.split("\n").filter((l) => l.startsWith("| "));
    for (const row of tableRows) {
      const header = md.split("\n").find((l, i, all) => all[i + 1]?.startsWith("|---") && l === row);
      if (header) continue;
      const cells = row.replace(/\\\|/g, "").split("|").length;
      expect(cells, row).toBeLessThanOrEqual(8);
    }
    const queriesRow = tableRows.find((l) => l.startsWith("| prometheus |") && l.includes("orders_age_seconds"));
    expect(queriesRow).toBeDefined();
    expect(queriesRow?.replace(/\\\|/g, "").split("|")).toHaveLength(6);
  });
});
