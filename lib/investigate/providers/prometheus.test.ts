import http from "node:http";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/test/helpers/free-port";
import { serveMetrics, startPrometheus, type MetricsTarget, type PrometheusServer } from "@/test/helpers/prometheus";
import { startVictoriaMetrics, type VictoriaMetrics } from "@/test/helpers/victoria-metrics";
import { createMetricsProvider, graphLink, guessKind } from "./prometheus";
import { rejection } from "@/test/helpers/rejection";

const suffix = randomBytes(4).toString("hex");

describe("metrics provider against VictoriaMetrics", () => {
  let vm: VictoriaMetrics;
  const metric = `tarka_test_queue_depth_${suffix}`;
  const now = Date.now();

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    const lines: string[] = [];
    for (let i = 10; i >= 1; i--) {
      const ts = now - i * 15_000;
      lines.push(`${metric}{queue="jobs",env="test"} ${100 + i} ${ts}`);
      lines.push(`${metric}{queue="mail",env="test"} ${i} ${ts}`);
    }
    await vm.importPrometheus(lines);
    await vm.flush();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it("answers an instant query with labels and numeric values, and detects VictoriaMetrics from the response", async () => {
    const provider = createMetricsProvider({ baseUrl: vm.url, timeoutMs: 5_000 });
    expect(provider.kind).toBe("prometheus");
    const samples = await provider.instant(`${metric}{queue="jobs"}`, new Date(now - 15_000));
    expect(samples).toEqual([{ metric: { __name__: metric, queue: "jobs", env: "test" }, value: 101 }]);
    expect(provider.kind).toBe("victoriametrics");
  });

  it("works through a path-prefixed base URL and aggregates", async () => {
    const provider = createMetricsProvider({ baseUrl: `${vm.selectUrl}/`, timeoutMs: 5_000 });
    expect(provider.baseUrl).toBe(vm.selectUrl);
    const samples = await provider.instant(`sum(${metric}) by (queue)`, new Date(now - 15_000));
    const byQueue = Object.fromEntries(samples.map((s) => [s.metric.queue, s.value]));
    expect(byQueue).toEqual({ jobs: 101, mail: 1 });
  });

  it("answers a range query as series of [seconds, value] pairs", async () => {
    const provider = createMetricsProvider({ baseUrl: vm.url, timeoutMs: 5_000 });
    const series = await provider.range(`${metric}{queue="mail"}`, new Date(now - 150_000), new Date(now - 15_000), 15);
    expect(series).toHaveLength(1);
    expect(series[0]!.metric.queue).toBe("mail");
    expect(series[0]!.values.length).toBeGreaterThanOrEqual(8);
    const [t, v] = series[0]!.values.at(-1)!;
    expect(t).toBeCloseTo((now - 15_000) / 1000, -1);
    expect(v).toBe(1);
  });

  it("returns a scalar result as one unlabelled sample", async () => {
    const provider = createMetricsProvider({ baseUrl: vm.url, timeoutMs: 5_000 });
    expect(await provider.instant("1 + 1")).toEqual([{ metric: {}, value: 2 }]);
  });

  it("returns an empty list when nothing matches", async () => {
    const provider = createMetricsProvider({ baseUrl: vm.url, timeoutMs: 5_000 });
    expect(await provider.instant(`${metric}{queue="nope"}`)).toEqual([]);
  });

  it("turns bad PromQL into ServiceError(unavailable) carrying the query and the upstream error", async () => {
    const provider = createMetricsProvider({ baseUrl: vm.url, timeoutMs: 5_000 });
    const e = await rejection(provider.instant("sum(rate(x[5m]"));
    expect(e.code).toBe("unavailable");
    expect(e.message).toContain("sum(rate(x[5m]");
    expect(e.message).toContain("HTTP 422");
    expect(e.message).toMatch(/unexpected|unparsed/);
  });

  it("rejects a non-positive step or an inverted range before calling out", async () => {
    const provider = createMetricsProvider({ baseUrl: vm.url, timeoutMs: 5_000 });
    expect((await rejection(provider.range("up", new Date(now - 60_000), new Date(now), 0))).code).toBe("invalid_input");
    expect((await rejection(provider.range("up", new Date(now), new Date(now - 60_000), 15))).code).toBe("invalid_input");
  });
});

describe("metrics provider against Prometheus", () => {
  let prom: PrometheusServer;
  let target: MetricsTarget;
  const metric = `tarka_test_backup_failures_${suffix}`;

  beforeAll(async () => {
    target = await serveMetrics(`# TYPE ${metric} gauge\n${metric}{instance_name="db-1"} 3\n`);
    prom = await startPrometheus({ scrapeTargets: [target.target] });
    await prom.waitForSeries(metric);
  });
  afterAll(async () => {
    await prom?.stop();
    await target?.stop();
  });

  it("answers an instant query on scraped data and stays kind=prometheus", async () => {
    const provider = createMetricsProvider({ baseUrl: prom.url, timeoutMs: 5_000 });
    const samples = await provider.instant(metric);
    expect(samples).toHaveLength(1);
    expect(samples[0]!.metric).toMatchObject({ __name__: metric, instance_name: "db-1", job: "test" });
    expect(samples[0]!.value).toBe(3);
    const series = await provider.range(metric, new Date(Date.now() - 30_000), new Date(), 1);
    expect(series[0]!.values.every(([, v]) => v === 3)).toBe(true);
    expect(provider.kind).toBe("prometheus");
  });

  it("reports Prometheus' errorType and error for bad PromQL", async () => {
    const provider = createMetricsProvider({ baseUrl: prom.url, timeoutMs: 5_000 });
    const e = await rejection(provider.instant("rate(up[5m]"));
    expect(e.code).toBe("unavailable");
    expect(e.message).toContain('"rate(up[5m]"');
    expect(e.message).toContain("bad_data");
    expect(e.message).toContain("parse error");
    expect(e.details).toMatchObject({ reason: "upstream", status: 400 });
  });
});

describe("metrics provider with credentials in the URL", () => {
  const password = "p@ss:w0rd/secret";
  let vm: VictoriaMetrics;
  const metric = `tarka_test_guarded_${suffix}`;

  beforeAll(async () => {
    vm = await startVictoriaMetrics({ basicAuth: { username: "tarka", password } });
    await vm.importPrometheus(`${metric}{queue="jobs"} 7 ${Date.now() - 15_000}`);
    await vm.flush();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  const withCredentials = (url: string, pass = password) => url.replace("http://", `http://tarka:${encodeURIComponent(pass)}@`);

  it("sends the userinfo as Basic auth, and neither its base URL nor its links carry it", async () => {
    const provider = createMetricsProvider({ baseUrl: withCredentials(vm.url), timeoutMs: 5_000 });
    expect(provider.baseUrl).toBe(vm.url);
    expect(await provider.instant(metric)).toEqual([{ metric: { __name__: metric, queue: "jobs" }, value: 7 }]);
    expect(graphLink(withCredentials(vm.url), "up")).not.toContain("tarka:");
  });

  it("keeps the password out of the error of a refused and of an unreachable call", async () => {
    const wrong = await rejection(createMetricsProvider({ baseUrl: withCredentials(vm.url, "wrong-pass"), timeoutMs: 5_000 }).instant(metric));
    expect(wrong.message).toContain("HTTP 401");
    const port = await freePort();
    const unreachable = await rejection(createMetricsProvider({ baseUrl: withCredentials(`http://127.0.0.1:${port}`), timeoutMs: 2_000 }).instant("up"));
    expect(unreachable.details).toMatchObject({ reason: "network" });
    for (const e of [wrong, unreachable]) {
      const shown = JSON.stringify({ message: e.message, details: e.details });
      expect(shown).not.toContain("wrong-pass");
      expect(shown).not.toContain("w0rd");
      expect(shown).not.toContain(encodeURIComponent(password));
    }
  });
});

describe("metrics provider failures", () => {
  it("rejects within about the timeout when the server never answers", async () => {
    const server = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      const provider = createMetricsProvider({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
      const started = Date.now();
      const e = await rejection(provider.instant("up"));
      const elapsed = Date.now() - started;
      expect(e.code).toBe("unavailable");
      expect(e.message).toContain("timed out after 300 ms");
      expect(e.details).toMatchObject({ reason: "timeout", query: "up" });
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(1_500);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("reports an unreachable server as unavailable", async () => {
    const port = await freePort();
    const provider = createMetricsProvider({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    const e = await rejection(provider.instant("up"));
    expect(e.code).toBe("unavailable");
    expect(e.details).toMatchObject({ reason: "network" });
    expect(e.message).toContain("ECONNREFUSED");
  });

  it("reports a non-JSON error page with its HTTP status", async () => {
    const server = http.createServer((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      const e = await rejection(createMetricsProvider({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 }).instant("up"));
      expect(e.message).toContain("HTTP 502");
      expect(e.message).toContain("Bad Gateway");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("kind and links", () => {
  it("guesses VictoriaMetrics from a /select/ path, Prometheus otherwise, and honours an explicit kind", () => {
    expect(guessKind("http://vmselect:8481/select/0/prometheus")).toBe("victoriametrics");
    expect(guessKind("http://prometheus:9090")).toBe("prometheus");
    expect(createMetricsProvider({ baseUrl: "http://vmselect:8481/select/0/prometheus", timeoutMs: 1 }).kind).toBe("victoriametrics");
    expect(createMetricsProvider({ baseUrl: "http://vm:8428", kind: "victoriametrics", timeoutMs: 1 }).kind).toBe("victoriametrics");
  });

  it("builds a Prometheus graph link", () => {
    const link = new URL(graphLink("http://prometheus:9090/", 'rate(http_requests_total{code=~"5.."}[5m])', { rangeSeconds: 3600 }));
    expect(link.origin + link.pathname).toBe("http://prometheus:9090/graph");
    expect(link.searchParams.get("g0.expr")).toBe('rate(http_requests_total{code=~"5.."}[5m])');
    expect(link.searchParams.get("g0.range_input")).toBe("1h");
    expect(link.searchParams.get("g0.tab")).toBe("0");
  });

  it("builds a vmui link for VictoriaMetrics paths", () => {
    const link = graphLink("http://vmselect:8481/select/0/prometheus", "up == 0", { end: new Date("2026-11-23T10:00:00Z") });
    expect(link.startsWith("http://vmselect:8481/select/0/vmui/#/?")).toBe(true);
    const params = new URLSearchParams(link.split("#/?")[1]);
    expect(params.get("g0.expr")).toBe("up == 0");
    expect(params.get("g0.end_input")).toBe("2026-11-23T10:00:00");
    expect(graphLink("http://vm:8428", "up", { kind: "victoriametrics" })).toBe("http://vm:8428/vmui/#/?g0.expr=up");
  });
});
