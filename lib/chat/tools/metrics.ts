import { z } from "zod";
import type { InstantSample, RangeSeries } from "@/lib/investigate/providers/types";
import { checkPromqlScope } from "../promql-scope";
import { chatCaps } from "../scope";
import { defineTool, unavailable } from "./chat-tool";

function seriesName(metric: Record<string, string>): string {
  const { __name__: name, ...rest } = metric;
  const labels = Object.entries(rest)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  return `${name ?? ""}{${labels}}`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

const queryDescription =
  "PromQL. In a case chat every series selector must carry the case's namespace matcher, e.g. namespace=\"payments\" (or node=\"…\" for node cases); queries without it are refused.";

export const queryMetricsTool = defineTool({
  name: "query_metrics",
  description: "Instant PromQL query against the configured Prometheus/VictoriaMetrics: the current value of each series.",
  input: z.object({ query: z.string().min(1).describe(queryDescription) }),
  scopes: ["case", "global"],
  async run(ctx, { query }) {
    checkPromqlScope(query, ctx.scope);
    if (!ctx.providers.metrics) return unavailable("Prometheus (PROMETHEUS_URL)");
    const samples: InstantSample[] = await ctx.providers.metrics.instant(query, ctx.now);
    if (samples.length === 0) return { outcome: "empty", summary: `no series for ${query}`, view: null };
    const shown = samples.slice(0, chatCaps.series);
    const rows = shown.map((s) => [seriesName(s.metric), formatNumber(s.value)]);
    const more = samples.length > shown.length ? `\n(${samples.length - shown.length} more series not shown)` : "";
    return {
      outcome: "ok",
      summary: `${samples.length} series for ${query}:\n${rows.map((r) => `${r[0]} = ${r[1]}`).join("\n")}${more}`,
      view: { kind: "table", columns: ["series", "value"], rows },
    };
  },
});

function stats(values: number[]) {
  const sum = values.reduce((a, b) => a + b, 0);
  return { first: values[0], last: values[values.length - 1], min: Math.min(...values), max: Math.max(...values), avg: sum / values.length };
}

export const queryMetricsRangeTool = defineTool({
  name: "query_metrics_range",
  description: "PromQL range query over the last `minutes` (max 24 h): per series first/last/min/max/avg, drawn as a small chart.",
  input: z.object({
    query: z.string().min(1).describe(queryDescription),
    minutes: z.number().int().min(1).max(chatCaps.rangeMinutes).default(60),
    stepSeconds: z.number().int().min(chatCaps.minStepSeconds).optional(),
  }),
  scopes: ["case", "global"],
  async run(ctx, { query, minutes, stepSeconds }) {
    checkPromqlScope(query, ctx.scope);
    if (!ctx.providers.metrics) return unavailable("Prometheus (PROMETHEUS_URL)");
    const rangeSeconds = minutes * 60;
    const step = Math.max(stepSeconds ?? 0, chatCaps.minStepSeconds, Math.ceil(rangeSeconds / chatCaps.pointsPerSeries));
    const start = new Date(ctx.now.getTime() - rangeSeconds * 1000);
    const series: RangeSeries[] = await ctx.providers.metrics.range(query, start, ctx.now, step);
    const withPoints = series.filter((s) => s.values.length > 0);
    if (withPoints.length === 0) return { outcome: "empty", summary: `no samples for ${query} in the last ${minutes} minutes`, view: null };
    const shown = withPoints.slice(0, chatCaps.series);
    const lines = shown.map((s) => {
      const st = stats(s.values.map((v) => v[1]));
      return `${seriesName(s.metric)}: first ${formatNumber(st.first)}, last ${formatNumber(st.last)}, min ${formatNumber(st.min)}, max ${formatNumber(st.max)}, avg ${formatNumber(st.avg)}`;
    });
    const more = withPoints.length > shown.length ? `\n(${withPoints.length - shown.length} more series not shown)` : "";
    return {
      outcome: "ok",
      summary: `${withPoints.length} series over the last ${minutes} min (step ${step}s) for ${query}:\n${lines.join("\n")}${more}`,
      view: { kind: "series", unit: "", series: shown.slice(0, 5).map((s) => ({ title: seriesName(s.metric), points: s.values.slice(-chatCaps.pointsPerSeries) })) },
    };
  },
});
