import { describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { createMetricsProvider } from "../providers/prometheus";
import type { KubernetesProvider } from "../providers/types";
import { alertOf, containerOf, kubeOf, logsOf, metricsFor, NOW, podOf, silentLog } from "@/test/helpers/engine-providers";
import { investigateAlert } from "../investigate-alert";
import { recordProviders } from "./record-providers";
import { parseRecording, type Recording } from "./recording";
import { investigationInput, replayInvestigation } from "./replay-investigation";
import { replayProviders } from "./replay-providers";

const suffix = Math.random().toString(36).slice(2, 8);
const alert = alertOf({ alertname: "KubePodCrashLooping", namespace: `shop-${suffix}`, pod: "api-1", container: "app" });

function roundTrip(recording: Recording): Recording {
  return parseRecording(JSON.stringify(recording), "test.json");
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("recordProviders", () => {
  it("passes answers through and replays a report identical to the live one", async () => {
    const recorder = recordProviders({
      timeoutMs: 1000,
      kubernetes: kubeOf({
        pod: podOf({ namespace: alert.labels.namespace, name: "api-1", containers: [containerOf({ ready: false, restartCount: 3, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "Error", lastTerminatedExitCode: 1 })] }),
        previousLogs: ["Error: environment variable DATABASE_URL is not set"],
      }),
      metrics: metricsFor(alert, { memory_working_set: [1, 2, 3] }),
      logs: logsOf([]),
    });
    const input = investigationInput({ alert, timeWindow: "1h" });
    const live = await investigateAlert({ ctx: { providers: recorder.providers, log: silentLog, now: () => NOW }, input });
    const recording = roundTrip(recorder.recording({ now: NOW, alert, timeWindow: "1h" }));
    expect(recording.calls.map((c) => `${c.provider}.${c.method}`)).toEqual(
      expect.arrayContaining(["kubernetes.getPod", "kubernetes.getPodLogs", "metrics.range", "logs.fetch"]),
    );
    expect(recording.providers).toEqual({ metrics: { kind: "prometheus", baseUrl: "http://prometheus.test" }, kubernetes: true, logs: true, alertmanager: false });
    const replayed = await replayInvestigation({ ctx: { log: silentLog }, input: { recording, source: "test.json" } });
    expect(JSON.stringify(replayed.json)).toBe(JSON.stringify(live));
    expect(replayed.json.analysis.enrichment.label).toBe("suspected_config_or_permission_error");
  });

  it("captures a ServiceError from a real client and replays it as the same ServiceError", async () => {
    const recorder = recordProviders({ timeoutMs: 2000, metrics: createMetricsProvider({ baseUrl: "http://127.0.0.1:2", timeoutMs: 2000 }) });
    const live = await rejection(recorder.providers.metrics!.range("up", new Date(0), new Date(60_000), 15));
    expect(live).toBeInstanceOf(ServiceError);
    const recording = roundTrip(recorder.recording({ now: NOW, alert, timeWindow: "1h" }));
    expect(recording.calls[0]).toMatchObject({ provider: "metrics", method: "range", error: { code: "unavailable" } });
    const replayed = await rejection(replayProviders(recording).providers.metrics!.range("up", new Date(0), new Date(60_000), 15));
    expect(replayed).toBeInstanceOf(ServiceError);
    expect((replayed as ServiceError).code).toBe((live as ServiceError).code);
    expect((replayed as ServiceError).message).toBe((live as ServiceError).message);
    expect((replayed as ServiceError).message).toContain("ECONNREFUSED");
  });

  it("records an error that is not a ServiceError as unavailable, with its message", async () => {
    const kube = { ...kubeOf({}), getPod: async () => Promise.reject(new Error("socket hang up")) } satisfies KubernetesProvider;
    const recorder = recordProviders({ timeoutMs: 1000, kubernetes: kube });
    await rejection(recorder.providers.kubernetes!.getPod("a", "b"));
    const replayed = await rejection(replayProviders(roundTrip(recorder.recording({ now: NOW, alert, timeWindow: "1h" }))).providers.kubernetes!.getPod("a", "b"));
    expect(replayed).toMatchObject({ code: "unavailable", message: "socket hang up" });
  });

  it("records a call unanswered within the timeout as timed out, and its replay never settles", async () => {
    const hanging = { ...kubeOf({}), getNode: () => new Promise<never>(() => {}) } satisfies KubernetesProvider;
    const recorder = recordProviders({ timeoutMs: 50, kubernetes: hanging });
    void recorder.providers.kubernetes!.getNode("node-a");
    await new Promise((r) => setTimeout(r, 80));
    const recording = roundTrip(recorder.recording({ now: NOW, alert, timeWindow: "1h" }));
    expect(recording.calls[0]).toMatchObject({ method: "getNode", timedOut: true });
    const outcome = await Promise.race([
      replayProviders(recording).providers.kubernetes!.getNode("node-a").then(() => "settled"),
      new Promise((r) => setTimeout(() => r("pending"), 100)),
    ]);
    expect(outcome).toBe("pending");
  });

  it("keeps non-finite sample values and dates through the file", async () => {
    const metrics = { kind: "victoriametrics" as const, baseUrl: "http://vm.test", instant: async () => [], range: async () => [{ metric: {}, values: [[1, Number.NaN], [2, Number.POSITIVE_INFINITY]] as Array<[number, number]> }] };
    const recorder = recordProviders({ timeoutMs: 1000, metrics });
    await recorder.providers.metrics!.range("q", new Date(0), new Date(1000), 15);
    const recording = roundTrip(recorder.recording({ now: NOW, alert, timeWindow: "1h" }));
    expect(recording.calls[0]?.args).toEqual(["q", "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:01.000Z", 15]);
    const replay = replayProviders(recording);
    expect(replay.providers.metrics?.kind).toBe("victoriametrics");
    expect(await replay.providers.metrics!.range("q", new Date(0), new Date(1000), 15)).toEqual([{ metric: {}, values: [[1, Number.NaN], [2, Number.POSITIVE_INFINITY]] }]);
  });
});

describe("replayProviders", () => {
  const base = (calls: Recording["calls"]): Recording =>
    roundTrip({
      version: 1,
      recordedAt: NOW.toISOString(),
      now: NOW.toISOString(),
      timeoutMs: 1000,
      alert,
      timeWindow: "1h",
      providers: { metrics: null, kubernetes: true, logs: false, alertmanager: false },
      calls,
    });

  it("answers repeated identical calls in recorded order, and matches arguments whatever their key order", async () => {
    const recording = base([
      { provider: "kubernetes", method: "getPodLogs", args: ["ns", "p", { tailLines: 5, previous: true }], durationMs: 1, result: ["first"] },
      { provider: "kubernetes", method: "getPodLogs", args: ["ns", "p", { previous: true, tailLines: 5 }], durationMs: 1, result: ["second"] },
    ]);
    const kube = replayProviders(recording).providers.kubernetes!;
    expect(await kube.getPodLogs("ns", "p", { previous: true, tailLines: 5 })).toEqual(["first"]);
    expect(await kube.getPodLogs("ns", "p", { tailLines: 5, previous: true })).toEqual(["second"]);
  });

  it("refuses a call that is not in the recording, naming it", async () => {
    const replay = replayProviders(base([{ provider: "kubernetes", method: "getPod", args: ["ns", "p"], durationMs: 1, result: null }]));
    expect(await replay.providers.kubernetes!.getPod("ns", "p")).toBeNull();
    const e = await rejection(replay.providers.kubernetes!.getPod("ns", "other"));
    expect(e).toBeInstanceOf(ServiceError);
    expect(e).toMatchObject({ code: "invalid_input", message: 'no recorded answer for kubernetes.getPod(["ns","other"])' });
    expect(replay.misses()).toEqual(['kubernetes.getPod(["ns","other"])']);
    expect(replay.providers.metrics).toBeUndefined();
  });

  it("fails the replayed investigation when the engine asks for an unrecorded call", async () => {
    const recording = base([]);
    await expect(replayInvestigation({ ctx: { log: silentLog }, input: { recording, source: "fixtures/short.json" } })).rejects.toThrow(
      /^fixtures\/short\.json: the engine asked for 3 call\(s\) the recording does not hold \(record it again\): kubernetes\.getPod\(\["shop-/,
    );
  });
});

describe("parseRecording", () => {
  const good = JSON.stringify({
    version: 1,
    recordedAt: NOW.toISOString(),
    now: NOW.toISOString(),
    timeoutMs: 1000,
    alert,
    timeWindow: "1h",
    providers: { metrics: null, kubernetes: false, logs: false, alertmanager: false },
    calls: [],
  });
  const edit = (f: (r: Record<string, unknown>) => void) => {
    const r = JSON.parse(good) as Record<string, unknown>;
    f(r);
    return JSON.stringify(r);
  };

  it("accepts a well-formed recording", () => {
    expect(parseRecording(good, "ok.json").alert.fingerprint).toBe(alert.fingerprint);
  });

  it.each([
    ["not JSON", "{nope", /^bad\.json: not JSON/],
    ["another version", edit((r) => (r.version = 2)), /^bad\.json: not a Tarka recording \(version 1\): version: /],
    ["no calls", edit((r) => delete r.calls), /calls: /],
    ["a bad time window", edit((r) => (r.timeWindow = "soon")), /timeWindow: expected a duration/],
    ["a method outside the contract", edit((r) => (r.calls = [{ provider: "kubernetes", method: "deletePod", args: [], durationMs: 1, result: null }])), /calls\.0\.method: method is not part of that provider's contract/],
    ["a call with both an answer and an error", edit((r) => (r.calls = [{ provider: "logs", method: "fetch", args: [], durationMs: 1, result: null, error: { code: "unavailable", message: "x" } }])), /calls\.0: expected provider, method, args, durationMs and exactly one of result, error/],
    ["a call with neither", edit((r) => (r.calls = [{ provider: "logs", method: "fetch", args: [], durationMs: 1 }])), /calls\.0: expected .* exactly one of/],
    ["an unknown error code", edit((r) => (r.calls = [{ provider: "logs", method: "fetch", args: [], durationMs: 1, error: { code: "teapot", message: "x" } }])), /calls\.0: expected .* error \{code, message\}/],
  ])("refuses %s with a clear error", (_what, text, message) => {
    let thrown: unknown;
    try {
      parseRecording(text, "bad.json");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ServiceError);
    expect(thrown).toMatchObject({ code: "invalid_input" });
    expect((thrown as Error).message).toMatch(message);
  });
});

