import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { startFakeLoki, toNs, type FakeLoki } from "@/test/helpers/fake-loki";
import { startFakeVictoriaLogs, type FakeVictoriaLogs } from "@/test/helpers/fake-victorialogs";
import { candidateLabelSets, createLogsProvider } from "./logs";
import { buildLogQL } from "./loki";
import { buildLogsQL } from "./victorialogs";

const now = Date.now();
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1_000);
const start = at(3_600);
const end = at(0);

describe("label conventions", () => {
  it("tries namespace/pod/container, then k8s_*, then *_name, skipping conventions that cannot express a key", () => {
    expect(candidateLabelSets({ namespace: "prod", pod: "api-1", container: "app" })).toEqual([
      { namespace: "prod", pod: "api-1", container: "app" },
      { k8s_namespace_name: "prod", k8s_pod_name: "api-1", k8s_container_name: "app" },
      { namespace_name: "prod", pod_name: "api-1", container_name: "app" },
    ]);
    expect(candidateLabelSets({ namespace: "prod", service: "checkout" })).toEqual([
      { namespace: "prod", service: "checkout" },
      { k8s_namespace_name: "prod", service_name: "checkout" },
    ]);
    expect(candidateLabelSets({})).toEqual([]);
  });

  it("quotes label values for LogQL and LogsQL", () => {
    expect(buildLogQL({ namespace: "prod", pod: 'we"ird\\pod' })).toBe('{namespace="prod",pod="we\\"ird\\\\pod"}');
    expect(buildLogsQL({ namespace: "prod", pod: 'we"ird' })).toBe('namespace:="prod" pod:="we\\"ird"');
  });
});

describe("logs provider against a Loki-protocol server", () => {
  let loki: FakeLoki;

  beforeAll(async () => {
    loki = await startFakeLoki({
      streams: [
        {
          stream: { namespace: "prod", pod: "api-1", container: "app", stream: "stderr" },
          values: [
            [toNs(at(300)), "starting"],
            [toNs(at(120)), "connecting to db"],
            [toNs(at(60)), `fatal: ${"x".repeat(5_000)}`],
            [toNs(at(7_200)), "outside the window"],
          ],
        },
        { stream: { namespace: "prod", pod: "api-1", container: "app", stream: "stdout" }, values: [[toNs(at(90)), "GET /healthz 500\n"]] },
        { stream: { namespace: "prod", pod: "api-1", container: "proxy" }, values: [[toNs(at(30)), "proxy line"]] },
        { stream: { k8s_namespace_name: "prod", k8s_pod_name: "otel-1", k8s_container_name: "app" }, values: [[toNs(at(10)), "from otel"]] },
        { stream: { namespace_name: "prod", pod_name: "fb-1", container_name: "app" }, values: [[toNs(at(10)), "from fluent-bit"]] },
      ],
    });
  });
  afterAll(async () => {
    await loki?.stop();
  });

  it("returns entries newest first across streams, capped at the limit, with long lines cut", async () => {
    const logs = createLogsProvider({ baseUrl: `${loki.url}/`, backend: "loki", timeoutMs: 5_000 });
    const result = await logs.fetch({ namespace: "prod", pod: "api-1", container: "app" }, start, end, 3);
    expect(result.status).toBe("ok");
    expect(result.backend).toBe("loki");
    expect(result.query).toBe('{namespace="prod",pod="api-1",container="app"}');
    expect(result.entries.map((e) => e.line.slice(0, 6))).toEqual(["fatal:", "GET /h", "connec"]);
    expect(result.entries[0]!.line.length).toBe(2_001);
    expect(result.entries[1]!.line).toBe("GET /healthz 500");
    expect(result.entries[1]!.labels).toEqual({ namespace: "prod", pod: "api-1", container: "app", stream: "stdout" });
    expect(result.entries[0]!.timestamp).toBe(at(60).toISOString());
    const sent = loki.queries.at(-1)!;
    expect(sent).toMatchObject({ direction: "backward", limit: "3", start: toNs(start), end: toNs(end) });
  });

  it("falls back to the OpenTelemetry and then the Fluent Bit label names", async () => {
    const logs = createLogsProvider({ baseUrl: loki.url, backend: "loki", timeoutMs: 5_000 });
    const before = loki.queries.length;
    const otel = await logs.fetch({ namespace: "prod", pod: "otel-1" }, start, end, 10);
    expect(otel).toMatchObject({ status: "ok", query: '{k8s_namespace_name="prod",k8s_pod_name="otel-1"}' });
    expect(otel.entries.map((e) => e.line)).toEqual(["from otel"]);
    expect(loki.queries.slice(before).map((q) => q.query)).toEqual([
      '{namespace="prod",pod="otel-1"}',
      '{k8s_namespace_name="prod",k8s_pod_name="otel-1"}',
    ]);
    const fb = await logs.fetch({ namespace: "prod", pod: "fb-1", container: "app" }, start, end, 10);
    expect(fb).toMatchObject({ status: "ok", query: '{namespace_name="prod",pod_name="fb-1",container_name="app"}' });
  });

  it("reports empty, with every query tried, when the backend answers but nothing matches", async () => {
    const logs = createLogsProvider({ baseUrl: loki.url, backend: "loki", timeoutMs: 5_000 });
    const result = await logs.fetch({ namespace: "prod", pod: "ghost" }, start, end, 10);
    expect(result).toEqual({
      status: "empty",
      backend: "loki",
      query: '{namespace="prod",pod="ghost"} ; {k8s_namespace_name="prod",k8s_pod_name="ghost"} ; {namespace_name="prod",pod_name="ghost"}',
      entries: [],
    });
    const old = await logs.fetch({ namespace: "prod", pod: "api-1", container: "app" }, at(20_000), at(10_000), 10);
    expect(old.status).toBe("empty");
  });

  it("detects Loki when no backend is configured", async () => {
    const logs = createLogsProvider({ baseUrl: loki.url, timeoutMs: 5_000 });
    const result = await logs.fetch({ namespace: "prod", pod: "api-1", container: "proxy" }, start, end, 10);
    expect(result).toMatchObject({ status: "ok", backend: "loki" });
    expect(result.entries.map((e) => e.line)).toEqual(["proxy line"]);
  });

  it("reports unavailable with the backend, the failing query and the reason when Loki is down", async () => {
    loki.setDown(true);
    try {
      const configured = await createLogsProvider({ baseUrl: loki.url, backend: "loki", timeoutMs: 5_000 }).fetch(
        { namespace: "prod", pod: "api-1" },
        start,
        end,
        10,
      );
      expect(configured).toMatchObject({ status: "unavailable", backend: "loki", query: '{namespace="prod",pod="api-1"}', entries: [] });
      if (configured.status === "unavailable") expect(configured.reason).toContain("HTTP 500: rpc error");
      const detected = await createLogsProvider({ baseUrl: loki.url, timeoutMs: 5_000 }).fetch({ namespace: "prod" }, start, end, 10);
      expect(detected).toMatchObject({ status: "unavailable", backend: null, query: null });
      if (detected.status === "unavailable") expect(detected.reason).toContain("neither the Loki nor the VictoriaLogs API");
    } finally {
      loki.setDown(false);
    }
  });
});

describe("logs provider against a VictoriaLogs-protocol server", () => {
  let vl: FakeVictoriaLogs;

  beforeAll(async () => {
    vl = await startFakeVictoriaLogs({
      entries: [
        { time: at(100), msg: "middle", stream: { namespace: "prod", pod: "api-1", container: "app" }, fields: { level: "warn" } },
        { time: at(20), msg: "newest", stream: { namespace: "prod", pod: "api-1", container: "app" }, fields: { level: "error" } },
        { time: at(200), msg: "oldest", stream: { namespace: "prod", pod: "api-1", container: "app" } },
        { time: at(9_000), msg: "too old", stream: { namespace: "prod", pod: "api-1", container: "app" } },
        { time: at(50), msg: "otel line", stream: { k8s_namespace_name: "prod", k8s_pod_name: "otel-1" } },
      ],
    });
  });
  afterAll(async () => {
    await vl?.stop();
  });

  it("sorts the unsorted JSON lines newest first and keeps stream labels and fields", async () => {
    const logs = createLogsProvider({ baseUrl: vl.url, backend: "victorialogs", timeoutMs: 5_000 });
    const result = await logs.fetch({ namespace: "prod", pod: "api-1", container: "app" }, start, end, 2);
    expect(result).toMatchObject({ status: "ok", backend: "victorialogs", query: 'namespace:="prod" pod:="api-1" container:="app"' });
    expect(result.entries.map((e) => e.line)).toEqual(["newest", "middle"]);
    expect(result.entries[0]).toEqual({
      timestamp: at(20).toISOString(),
      line: "newest",
      labels: { namespace: "prod", pod: "api-1", container: "app", level: "error" },
    });
    expect(vl.queries.at(-1)).toMatchObject({ limit: "2", start: start.toISOString(), end: end.toISOString() });
  });

  it("falls back to k8s_* fields, reports empty with the queries tried, and detects VictoriaLogs", async () => {
    const logs = createLogsProvider({ baseUrl: vl.url, timeoutMs: 5_000 });
    const otel = await logs.fetch({ namespace: "prod", pod: "otel-1" }, start, end, 10);
    expect(otel).toMatchObject({ status: "ok", backend: "victorialogs", query: 'k8s_namespace_name:="prod" k8s_pod_name:="otel-1"' });
    const none = await logs.fetch({ namespace: "prod", pod: "ghost" }, start, end, 10);
    expect(none.status).toBe("empty");
    expect(none.query).toBe('namespace:="prod" pod:="ghost" ; k8s_namespace_name:="prod" k8s_pod_name:="ghost" ; namespace_name:="prod" pod_name:="ghost"');
  });

  it("reports unavailable when VictoriaLogs is down", async () => {
    vl.setDown(true);
    try {
      const result = await createLogsProvider({ baseUrl: vl.url, backend: "victorialogs", timeoutMs: 5_000 }).fetch(
        { namespace: "prod", pod: "api-1" },
        start,
        end,
        10,
      );
      expect(result).toMatchObject({ status: "unavailable", backend: "victorialogs", query: 'namespace:="prod" pod:="api-1"' });
      if (result.status === "unavailable") expect(result.reason).toContain("storage is unavailable");
    } finally {
      vl.setDown(false);
    }
  });
});

describe("logs provider with credentials in the URL", () => {
  const basicAuth = { username: "tarka", password: "l0gs-s3cret" };
  const withCredentials = (url: string, password = basicAuth.password) => url.replace("http://", `http://tarka:${password}@`);
  const expectNoPassword = (value: unknown) => {
    const shown = JSON.stringify(value);
    expect(shown).not.toContain("l0gs-s3cret");
    expect(shown).not.toContain("wr0ng");
  };
  let loki: FakeLoki;
  let vl: FakeVictoriaLogs;

  beforeAll(async () => {
    loki = await startFakeLoki({ basicAuth, streams: [{ stream: { namespace: "prod", pod: "api-1" }, values: [[toNs(at(60)), "from loki"]] }] });
    vl = await startFakeVictoriaLogs({ basicAuth, entries: [{ time: at(60), msg: "from victorialogs", stream: { namespace: "prod", pod: "api-1" } }] });
  });
  afterAll(async () => {
    await loki?.stop();
    await vl?.stop();
  });

  it("detects and queries Loki and VictoriaLogs with the userinfo sent as Basic auth", async () => {
    for (const [server, line] of [[loki, "from loki"], [vl, "from victorialogs"]] as const) {
      const provider = createLogsProvider({ baseUrl: withCredentials(server.url), timeoutMs: 5_000 });
      const result = await provider.fetch({ namespace: "prod", pod: "api-1" }, start, end, 10);
      expect(result.status, server.url).toBe("ok");
      expect(result.entries.map((e) => e.line)).toEqual([line]);
    }
  });

  it("keeps the password out of the reason when the credentials are refused or the server is unreachable", async () => {
    const refused = await createLogsProvider({ baseUrl: withCredentials(loki.url, "wr0ng"), backend: "loki", timeoutMs: 5_000 }).fetch({ namespace: "prod" }, start, end, 10);
    expect(refused).toMatchObject({ status: "unavailable", reason: expect.stringContaining("HTTP 401") });
    const undetected = await createLogsProvider({ baseUrl: withCredentials(vl.url, "wr0ng"), timeoutMs: 5_000 }).fetch({ namespace: "prod" }, start, end, 10);
    expect(undetected.status).toBe("unavailable");
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as { port: number };
    await new Promise((r) => closed.close(r));
    const unreachable = await createLogsProvider({ baseUrl: withCredentials(`http://127.0.0.1:${port}`), backend: "victorialogs", timeoutMs: 5_000 }).fetch(
      { namespace: "prod" },
      start,
      end,
      10,
    );
    expect(unreachable).toMatchObject({ status: "unavailable", reason: expect.stringContaining("unreachable") });
    for (const result of [refused, undetected, unreachable]) expectNoPassword(result);
  });
});

describe("logs provider edge cases", () => {
  it("reports unavailable within about the timeout when the backend hangs", async () => {
    const server = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      const started = Date.now();
      const result = await createLogsProvider({ baseUrl: `http://127.0.0.1:${port}`, backend: "loki", timeoutMs: 300 }).fetch(
        { namespace: "prod", pod: "api-1" },
        start,
        end,
        10,
      );
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(result).toMatchObject({ status: "unavailable", backend: "loki", reason: "timed out after 300 ms" });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("reports unavailable without querying when there is nothing to select by", async () => {
    const result = await createLogsProvider({ baseUrl: "http://127.0.0.1:9", backend: "victorialogs", timeoutMs: 1_000 }).fetch({}, start, end, 10);
    expect(result).toMatchObject({ status: "unavailable", backend: "victorialogs", query: null });
  });

  it("rejects a bad limit or an inverted window", async () => {
    const logs = createLogsProvider({ baseUrl: "http://127.0.0.1:9", backend: "loki", timeoutMs: 1_000 });
    await expect(logs.fetch({ pod: "a" }, start, end, 0)).rejects.toBeInstanceOf(ServiceError);
    await expect(logs.fetch({ pod: "a" }, end, start, 10)).rejects.toThrow(/before start/);
  });
});

describe("protocol fakes", () => {
  it("Loki fake answers labels, line filters and Loki's 400 parse errors", async () => {
    const loki = await startFakeLoki({
      streams: [{ stream: { app: "a" }, values: [[toNs(at(5)), "ok line"], [toNs(at(4)), "error line"]] }],
    });
    try {
      expect(await (await fetch(`${loki.url}/loki/api/v1/labels`)).json()).toEqual({ status: "success", data: ["app"] });
      const q = (query: string) => fetch(`${loki.url}/loki/api/v1/query_range?query=${encodeURIComponent(query)}&limit=10`);
      const body = (await (await q('{app=~"a|b"} |= "error"')).json()) as { data: { result: Array<{ values: unknown[] }> } };
      expect(body.data.result[0]!.values).toEqual([[toNs(at(4)), "error line"]]);
      const empty = await q('{app=~".*"}');
      expect(empty.status).toBe(400);
      expect(await empty.text()).toContain("empty-compatible");
      expect((await q("app=a")).status).toBe(400);
    } finally {
      await loki.stop();
    }
  });

  it("VictoriaLogs fake answers NDJSON for word and stream filters and 400 for unsupported pipes", async () => {
    const vl = await startFakeVictoriaLogs({ entries: [{ time: at(5), msg: "disk full on /data", stream: { app: "a" } }] });
    try {
      const q = (query: string) => fetch(`${vl.url}/select/logsql/query?query=${encodeURIComponent(query)}`);
      const hit = await (await q('_stream:{app="a"} disk -timeout')).text();
      expect(JSON.parse(hit.trim())).toMatchObject({ _msg: "disk full on /data", _stream: '{app="a"}', app: "a" });
      expect(await (await q("app:b")).text()).toBe("");
      expect((await q("* | stats count()")).status).toBe(400);
    } finally {
      await vl.stop();
    }
  });
});
