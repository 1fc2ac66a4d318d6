import { z } from "zod";
import { ServiceError } from "@/lib/errors";
import type { InstantSample, MetricsProvider, RangeSeries } from "./types";
import { fetchText, providerEndpoint } from "./fetch-text";

export type MetricsKind = MetricsProvider["kind"];

export type CreateMetricsProviderOptions = {
  /** Prometheus root (`http://prometheus:9090`) or a VictoriaMetrics Prometheus-compatible path (`…/select/0/prometheus`). */
  baseUrl: string;
  /** Auto-detected when unset: see `guessKind`, refined by the first response. */
  kind?: MetricsKind;
  timeoutMs: number;
};

const samplePair = z.tuple([z.number(), z.string()]);
const metricLabels = z.record(z.string(), z.string()).default({});

// Native-histogram samples carry `histogram` instead of `value`; they are skipped, not an error.
const dataSchema = z.discriminatedUnion("resultType", [
  z.object({
    resultType: z.literal("vector"),
    result: z.array(z.object({ metric: metricLabels, value: samplePair.optional() })),
  }),
  z.object({
    resultType: z.literal("matrix"),
    result: z.array(z.object({ metric: metricLabels, values: z.array(samplePair).default([]) })),
  }),
  z.object({ resultType: z.literal("scalar"), result: samplePair }),
  z.object({ resultType: z.literal("string"), result: samplePair }),
]);

const responseSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("success"), data: dataSchema }),
  z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() }),
]);

type QueryData = z.infer<typeof dataSchema>;

/** `/select/` only appears in VictoriaMetrics (cluster vmselect) paths; everything else starts as Prometheus. */
export function guessKind(baseUrl: string): MetricsKind {
  return new URL(baseUrl).pathname.includes("/select/") ? "victoriametrics" : "prometheus";
}

function formatDuration(seconds: number): string {
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${Math.max(1, Math.round(seconds))}s`;
}

/**
 * The URL that opens `query` in the backend's own UI: Prometheus `/graph`, or VictoriaMetrics vmui
 * (`<prefix>/vmui/`, where the prefix is the base URL without its `/prometheus` suffix).
 */
export function graphLink(
  baseUrl: string,
  query: string,
  options: { kind?: MetricsKind; rangeSeconds?: number; end?: Date } = {},
): string {
  const kind = options.kind ?? guessKind(baseUrl);
  const root = providerEndpoint(baseUrl).baseUrl;
  const params = new URLSearchParams({ "g0.expr": query });
  if (options.rangeSeconds) params.set("g0.range_input", formatDuration(options.rangeSeconds));
  if (kind === "victoriametrics") {
    if (options.end) {
      params.set("g0.end_input", options.end.toISOString().slice(0, 19));
      params.set("g0.relative_time", "none");
    }
    const prefix = root.replace(/\/prometheus$/, "");
    return `${prefix}/vmui/#/?${params.toString()}`;
  }
  params.set("g0.tab", "0");
  if (options.end) params.set("g0.end_input", options.end.toISOString().slice(0, 19).replace("T", " "));
  return `${root}/graph?${params.toString()}`;
}

/** Read-only PromQL client for Prometheus and VictoriaMetrics (`/api/v1/query`, `/api/v1/query_range`). */
export function createMetricsProvider(options: CreateMetricsProviderOptions): MetricsProvider {
  const { baseUrl, headers } = providerEndpoint(options.baseUrl);
  let kind: MetricsKind = options.kind ?? guessKind(baseUrl);

  async function call(path: string, query: string, params: Record<string, string>): Promise<QueryData> {
    const fail = (reason: string, message: string, extra: Record<string, unknown> = {}, cause?: unknown) =>
      new ServiceError("unavailable", `${kind} query ${JSON.stringify(query)} ${message}`, {
        details: { provider: "prometheus", query, reason, ...extra },
        cause,
      });
    const answer = await fetchText(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
      body: new URLSearchParams({ query, ...params }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if ("failure" in answer) {
      const f = answer.failure;
      if (f.reason === "timeout") throw fail("timeout", `timed out after ${options.timeoutMs} ms`, {}, f.error);
      throw fail("network", `failed: ${baseUrl} unreachable (${f.message}${f.lowLevel ? `: ${f.lowLevel}` : ""})`, {}, f.error);
    }
    const { res, text } = answer;
    // VictoriaMetrics stamps every answer with this header; Prometheus never sends it.
    if (!options.kind && res.headers.has("x-server-hostname")) kind = "victoriametrics";

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw fail("http", `failed: HTTP ${res.status}: ${text.slice(0, 500).trim()}`, { status: res.status });
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) {
      throw fail("bad_response", `failed: HTTP ${res.status}: unexpected response shape (${parsed.error.issues[0]?.message})`, {
        status: res.status,
      });
    }
    if (parsed.data.status === "error") {
      const upstream = [parsed.data.errorType, parsed.data.error].filter(Boolean).join(": ");
      throw fail("upstream", `failed: HTTP ${res.status}: ${upstream || "unknown error"}`, { status: res.status });
    }
    if (!res.ok) throw fail("http", `failed: HTTP ${res.status}`, { status: res.status });
    return parsed.data.data;
  }

  return {
    get kind() {
      return kind;
    },
    baseUrl,

    async instant(query: string, at?: Date): Promise<InstantSample[]> {
      const data = await call("/api/v1/query", query, at ? { time: String(at.getTime() / 1000) } : {});
      switch (data.resultType) {
        case "vector":
          return data.result.flatMap((s) => (s.value ? [{ metric: s.metric, value: Number(s.value[1]) }] : []));
        case "scalar":
          return [{ metric: {}, value: Number(data.result[1]) }];
        case "matrix":
          return data.result.flatMap((s) => {
            const last = s.values.at(-1);
            return last ? [{ metric: s.metric, value: Number(last[1]) }] : [];
          });
        case "string":
          return [];
      }
    },

    async range(query: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]> {
      if (!(stepSeconds > 0)) throw new ServiceError("invalid_input", `range step must be positive seconds, got ${stepSeconds}`);
      if (end.getTime() < start.getTime()) {
        throw new ServiceError("invalid_input", `range end ${end.toISOString()} is before start ${start.toISOString()}`);
      }
      const data = await call("/api/v1/query_range", query, {
        start: String(start.getTime() / 1000),
        end: String(end.getTime() / 1000),
        step: String(stepSeconds),
      });
      switch (data.resultType) {
        case "matrix":
          return data.result.map((s) => ({
            metric: s.metric,
            values: s.values.map(([t, v]): [number, number] => [t, Number(v)]),
          }));
        case "vector":
          return data.result.flatMap((s) => (s.value ? [{ metric: s.metric, values: [[s.value[0], Number(s.value[1])]] }] : []));
        case "scalar":
          return [{ metric: {}, values: [[data.result[0], Number(data.result[1])]] }];
        case "string":
          return [];
      }
    },
  };
}
