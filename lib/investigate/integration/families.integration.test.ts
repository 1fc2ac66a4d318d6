import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { families } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { createLogger } from "@/lib/log";
import { type FakeKubernetes, startFakeKubernetes, writeKubeconfig } from "@/test/helpers/fake-kubernetes";
import { type FakeLoki, startFakeLoki } from "@/test/helpers/fake-loki";
import { freePort } from "@/test/helpers/free-port";
import { startVictoriaMetrics, type VictoriaMetrics } from "@/test/helpers/victoria-metrics";
import type { Providers } from "../providers/types";
import { type Report, reportSchema } from "../report";
import { UNKNOWN_NEEDS_HUMAN } from "../vocabulary";
import { investigateAt, providersFor } from "@/test/scenarios/run-investigation";
import { buildScenarios, type Case, type Expected, seedOf } from "@/test/scenarios/families";

// Real VictoriaMetrics keeps samples within its retention only, so "now" is fixed near the wall clock.
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const scenarios = buildScenarios({ now: NOW, prefix: `it${randomBytes(3).toString("hex")}` });
const log = createLogger({ level: "silent" });
const TIMEOUT_MS = 5_000;

let vm: VictoriaMetrics;
let kube: FakeKubernetes;
let loki: FakeLoki;
let up: Providers;
let down: Providers;
const allCases = scenarios.flatMap((s): Case[] => [s.firing, s.healthy, ...(s.variants ?? [])]);
const ownVms = new Map<Case, VictoriaMetrics>();
const ownUp = new Map<Case, Providers>();

beforeAll(async () => {
  const seed = seedOf(allCases);
  const stoppedLoki = await startFakeLoki();
  [vm, loki, kube] = await Promise.all([
    startVictoriaMetrics(),
    startFakeLoki({ streams: seed.streams }),
    startFakeKubernetes({ objects: seed.objects, logs: seed.podLogs }),
  ]);
  await vm.importPrometheus(seed.metrics);
  await vm.flush();
  await stoppedLoki.stop();
  const closed = `http://127.0.0.1:${await freePort()}`;
  const peers = { logsUrl: loki.url, kubeconfigPath: writeKubeconfig(kube.url), timeoutMs: TIMEOUT_MS };
  up = providersFor({ ...peers, metricsUrl: vm.selectUrl });
  down = providersFor({ metricsUrl: closed, logsUrl: stoppedLoki.url, kubeconfigPath: writeKubeconfig(closed), timeoutMs: TIMEOUT_MS });
  for (const c of allCases.filter((x) => x.ownMetrics)) {
    const own = await startVictoriaMetrics();
    ownVms.set(c, own);
    await own.importPrometheus(c.seed.metrics);
    await own.flush();
    ownUp.set(c, providersFor({ ...peers, metricsUrl: own.selectUrl }));
  }
});

afterAll(async () => {
  await Promise.all([vm?.stop(), kube?.stop(), loki?.stop(), ...[...ownVms.values()].map((v) => v.stop())]);
});

/** Every peer answering, with the case's own VictoriaMetrics if it has one. */
function upFor(c: Case): Providers {
  return ownUp.get(c) ?? up;
}

async function investigate(alert: NormalizedAlert, providers: Providers): Promise<Report> {
  return reportSchema.parse(await investigateAt({ ctx: { providers, log, now: NOW }, input: { alert } }));
}

function outcomes(report: Report, provider: string): string[] {
  return report.queries.filter((q) => q.provider === provider).map((q) => q.outcome);
}

function outcomeOf(report: Report) {
  const a = report.analysis;
  return { family: report.family, label: a.enrichment.label, top: a.hypotheses[0]?.category, classification: a.verdict.classification, logs: report.evidence.logs.status };
}

/** The diagnosis a case expects, said from evidence that every provider answered. */
function expectDiagnosis(report: Report, family: string, e: Expected): void {
  expect(outcomeOf(report)).toEqual({ family, label: e.label, top: e.top, classification: e.classification, logs: e.logs });
  expect(report.queries.filter((q) => q.outcome === "error" || q.outcome === "timeout")).toEqual([]);
  expect(report.analysis.enrichment.why.length).toBeGreaterThan(0);
  const a = report.analysis;
  const said = [...a.decision.why, ...a.enrichment.why, ...a.hypotheses.flatMap((h) => [h.title, ...h.why, ...h.counter])].join("\n");
  for (const m of e.mentions ?? []) expect(said).toContain(m);
  for (const m of e.absent ?? []) expect(said).not.toContain(m);
  if (e.minConfidence) expect(a.hypotheses[0]?.confidence).toBeGreaterThanOrEqual(e.minConfidence);
  // A workload found behind the alert is its identity: "target identity missing" would be untrue.
  if (report.evidence.k8s.resolution?.status === "resolved") expect(a.blockers).not.toContain("A");
}

describe.each(scenarios)("family $family against VictoriaMetrics, fake Kubernetes and fake Loki", (s) => {
  it("firing with the root cause present: diagnoses it from the peers' evidence", async () => {
    const report = await investigate(s.firing.alert, upFor(s.firing));
    expectDiagnosis(report, s.family, s.firing.expected);
    expect(report.evidence.metrics).toMatchObject({ status: "ok", backend: "victoriametrics" });
    expect(report.analysis.blockers).not.toContain("D");
    expect(outcomes(report, "prometheus")).toContain("ok");
  });

  it("firing on healthy evidence: does not claim an actionable root cause", async () => {
    const report = await investigate(s.healthy.alert, upFor(s.healthy));
    const e = s.healthy.expected;
    expect(outcomeOf(report)).toEqual({ family: s.family, label: e.label, top: e.top, classification: e.classification, logs: e.logs });
    const claimsCause = report.analysis.verdict.classification === "actionable" && report.analysis.enrichment.label !== UNKNOWN_NEEDS_HUMAN;
    expect(claimsCause).toBe(false);
    expect(report.evidence.metrics.status).toBe("ok");
    expect(report.queries.filter((q) => q.outcome === "error" || q.outcome === "timeout")).toEqual([]);
  });

  it("blocked: metrics and Kubernetes on a closed port, Loki stopped", async () => {
    const report = await investigate(s.firing.alert, down);
    expect(report.family).toBe(s.family);
    expect(report.analysis.blockers).toEqual(s.blocked);
    expect(report.evidence.logs.status).toBe("unavailable");
    expect(report.evidence.metrics.status).toBe("unavailable");
    const prometheus = outcomes(report, "prometheus");
    expect(prometheus.length).toBeGreaterThan(0);
    expect(new Set(prometheus)).toEqual(new Set(["error"]));
    const kubernetes = outcomes(report, "kubernetes");
    if (s.blocked.includes("B")) expect(kubernetes.length).toBeGreaterThan(0);
    expect(kubernetes.every((o) => o === "error")).toBe(true);
    // The logs provider answers "unavailable" instead of throwing, so its call is not recorded as ok.
    expect(outcomes(report, "logs")).not.toContain("ok");
    expect(report.queries.find((q) => q.provider === "prometheus")?.error).toMatch(/unreachable/);
  });
});

describe.each(scenarios)("family $family with no provider configured", (s) => {
  it("says what is missing and what to run, and claims no cause", async () => {
    const report = await investigate(s.firing.alert, { timeoutMs: TIMEOUT_MS });
    expect(report.family).toBe(s.family);
    expect(report.analysis.blockers).toEqual(s.blocked);
    expect(report.queries).toEqual([]);
    expect(report.analysis.decision.next.length).toBeGreaterThan(0);
    if (s.family !== "meta") expect(report.analysis.enrichment.label).toBe(UNKNOWN_NEEDS_HUMAN);
  });
});

const variants = scenarios.flatMap((s) => (s.variants ?? []).map((v) => ({ name: v.name, case: v, family: s.family })));

describe.each(variants)("$family: $name", ({ case: v, family }) => {
  it("names the cause its runbook points at, from the peers' evidence", async () => {
    const report = await investigate(v.alert, upFor(v));
    expectDiagnosis(report, family, v.expected);
    expect(report.analysis.enrichment.next.length).toBeGreaterThan(0);
  });
});

describe("the whole suite", () => {
  it("has a scenario for every family", () => {
    expect(scenarios.map((s) => s.family).sort()).toEqual([...families].sort());
  });

  it("sent the Kubernetes API only reads", () => {
    expect(kube.requests.length).toBeGreaterThan(0);
    expect(kube.mutationAttempts).toBe(0);
    expect(kube.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("queried the real Loki API with the pod's labels", () => {
    expect(loki.queries.some((q) => q.query.includes('container="app"'))).toBe(true);
  });
});
