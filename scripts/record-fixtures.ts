// npx tsx scripts/record-fixtures.ts [name…] — record the replay fixtures and their golden reports.
//
// Each fixture is one case of the real-peer scenarios (test/scenarios/families.ts): the script seeds
// VictoriaMetrics, the fake Kubernetes API and fake Loki with them, runs the investigation through
// the recorder with the real providers, and must get the diagnosis the scenario expects. The blocked
// fixtures swap one peer for a closed port, a stopped Loki or a Kubernetes API slower than the
// timeout, so the recorded errors are the ones the real clients raise. A fixture is replayed from its
// file text and must give the same report as the live run before anything is written. A case
// whose metrics are its own (`ownMetrics`) gets a VictoriaMetrics of its own.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { investigateAlert } from "@/lib/investigate/investigate-alert";
import type { Providers } from "@/lib/investigate/providers/types";
import { fixtureIndexPath, fixturesDir, goldenPaths, type FixtureIndexEntry } from "@/lib/investigate/replay/fixtures";
import { recordProviders } from "@/lib/investigate/replay/record-providers";
import { parseRecording } from "@/lib/investigate/replay/recording";
import { investigationInput, replayInvestigation } from "@/lib/investigate/replay/replay-investigation";
import { createLogger } from "@/lib/log";
import { startFakeKubernetes, writeKubeconfig } from "@/test/helpers/fake-kubernetes";
import { startFakeLoki } from "@/test/helpers/fake-loki";
import { freePort } from "@/test/helpers/free-port";
import { startVictoriaMetrics } from "@/test/helpers/victoria-metrics";
import { buildScenarios, type Case, seedOf } from "@/test/scenarios/families";
import { providersFor } from "@/test/scenarios/run-investigation";

type Peers = "up" | "prometheus_down" | "logs_down" | "kubernetes_slow" | "none";

type Fixture = {
  name: string;
  /** What the fixture shows, for the reviewer of fixtures/index.json. */
  intent: string;
  family: string;
  /** The scenario case: `firing`, `healthy`, or a variant's name. */
  case: string;
  peers?: Peers;
};

const fixtures: Fixture[] = [
  { name: "crashloop-oom", intent: "crash loop whose last termination is OOMKilled with memory near the limit", family: "crashloop", case: "firing" },
  { name: "crashloop-dependency-refused", intent: "crash loop whose previous logs show the database refusing connections", family: "crashloop", case: "database refuses connections: the dependency, named with its address" },
  { name: "crashloop-missing-env", intent: "crash loop on start-up because an environment variable is missing", family: "crashloop", case: "missing environment variable: a configuration error, not an app crash" },
  { name: "crashloop-recovered-artifact", intent: "crash-loop alert still firing on a pod that is healthy and has not restarted for hours", family: "crashloop", case: "healthy" },
  { name: "pod-not-healthy-image-not-found", intent: "pod stuck on ImagePullBackOff for a tag the registry does not have", family: "pod_not_healthy", case: "firing" },
  { name: "pod-not-healthy-create-container-config-error", intent: "container cannot be created because the secret it references does not exist", family: "pod_not_healthy", case: "CreateContainerConfigError on a missing Secret" },
  { name: "pod-not-healthy-unschedulable", intent: "pod Pending because no node has enough memory", family: "pod_not_healthy", case: "Pending on FailedScheduling" },
  { name: "oom-killed-memory-growth", intent: "OOM kill after working set grew steadily up to the limit", family: "oom_killed", case: "firing" },
  { name: "cpu-throttling-limit-too-low", intent: "throttled while usage sits at the CPU limit", family: "cpu_throttling", case: "firing" },
  { name: "cpu-throttling-flapping", intent: "throttling alert that keeps flapping while usage is low: noise", family: "cpu_throttling", case: "the same burst throttling, alert flapping: noisy" },
  {
    name: "http-5xx-rollout-regression",
    intent: "Service-level 5xx starting after a rollout, only from the new ReplicaSet's pods",
    family: "http_5xx",
    case: "Service-level 5xx: the Service's pods and Deployment are found, errors come only from the new ReplicaSet",
  },
  { name: "http-5xx-dependency-refused", intent: "service 5xx while its logs show the payments dependency refusing connections", family: "http_5xx", case: "firing" },
  { name: "latency-database-slow", intent: "p99 latency up with slow-query and statement-timeout logs", family: "latency", case: "firing" },
  { name: "target-down-job-wide", intent: "most targets of one scrape job down at once", family: "target_down", case: "firing" },
  { name: "job-failed-missing-config", intent: "CronJob run failed with exit 2 on a missing configuration key", family: "job_failed", case: "firing" },
  { name: "k8s-rollout-stuck", intent: "Deployment rollout past its progress deadline with fewer replicas available", family: "k8s_rollout_health", case: "firing" },
  { name: "node-not-ready", intent: "node whose kubelet stopped posting status", family: "node_health", case: "firing" },
  { name: "volume-filling", intent: "PVC usage climbing towards full", family: "volume_filling", case: "firing" },
  { name: "meta-watchdog", intent: "the always-firing Watchdog heartbeat", family: "meta", case: "firing" },
  { name: "generic-unknown-alert", intent: "an alert no family knows: generic evidence only, a human has to look", family: "generic", case: "firing" },
  {
    name: "blocked-prometheus-down",
    intent: "Prometheus unreachable (connection refused from the real client): metrics evidence is a blocker",
    family: "cpu_throttling",
    case: "firing",
    peers: "prometheus_down",
  },
  { name: "blocked-logs-unavailable", intent: "logs backend unreachable (real Loki client) while metrics point at latency", family: "latency", case: "firing", peers: "logs_down" },
  { name: "blocked-kubernetes-timeout", intent: "Kubernetes API never answers: every call times out and is recorded as such", family: "crashloop", case: "firing", peers: "kubernetes_slow" },
  { name: "blocked-no-providers", intent: "nothing configured: the report says what is missing and what to run", family: "crashloop", case: "firing", peers: "none" },
];

const log = createLogger({ level: "silent" });
// Generous: a peer that answers late on a loaded machine must not be recorded as a timeout.
const TIMEOUT_MS = 15_000;
const SLOW_TIMEOUT_MS = 2_000;
// VictoriaMetrics keeps samples within its retention only, so the clock is the minute of recording.
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);

function caseOf(cases: Map<string, Case>, f: Fixture): Case {
  const c = cases.get(`${f.family}/${f.case}`);
  if (!c) throw new Error(`${f.name}: no scenario case "${f.case}" in family ${f.family} (test/scenarios/families.ts)`);
  return c;
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const STRING = String.raw`"(?:[^"\\]|\\.)*"`;
// A pretty-printed `[timestamp, value]` sample takes four lines; series of them made most of fixtures/.
// A newline never occurs inside a JSON string, so this only ever matches array structure.
const samplePair = new RegExp(String.raw`\[\n\s*(${NUMBER}),\n\s*(${NUMBER}|${STRING})\n\s*\]`, "g");

function onePairALine(json: string): string {
  return json.replace(samplePair, "[$1, $2]");
}

async function record(f: Fixture, c: Case, providers: Providers): Promise<FixtureIndexEntry & { name: string }> {
  const recorder = recordProviders(providers);
  const input = investigationInput({ alert: c.alert, timeWindow: "1h" });
  const live = await investigateAlert({ ctx: { providers: recorder.providers, log, now: () => NOW }, input });
  const text = `${onePairALine(JSON.stringify(recorder.recording({ now: NOW, recordedAt: NOW, alert: c.alert, timeWindow: input.timeWindow }), null, 2))}\n`;
  const source = `${f.name}.json`;
  const replayed = await replayInvestigation({ ctx: { log }, input: { recording: parseRecording(text, source), source } });
  const liveJson = JSON.stringify(live, null, 2);
  const replayJson = JSON.stringify(replayed.json, null, 2);
  if (liveJson !== replayJson) throw new Error(`${f.name}: the replayed report differs from the live one`);
  const got = { family: replayed.json.family, label: replayed.json.analysis.enrichment.label, classification: replayed.json.analysis.verdict.classification };
  const wanted = { family: f.family, label: c.expected.label, classification: c.expected.classification };
  if ((f.peers ?? "up") === "up" && JSON.stringify(got) !== JSON.stringify(wanted)) {
    throw new Error(`${f.name}: the scenario expects ${JSON.stringify(wanted)}, the engine said ${JSON.stringify(got)}`);
  }
  const golden = goldenPaths(f.name);
  writeFileSync(join(fixturesDir, source), text);
  writeFileSync(golden.markdown, replayed.markdown);
  writeFileSync(golden.json, `${replayJson}\n`);
  return { name: f.name, intent: f.intent, ...got };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !fixtures.some((f) => f.name === n));
  if (unknown.length) throw new Error(`unknown fixture(s): ${unknown.join(", ")} (have: ${fixtures.map((f) => f.name).join(", ")})`);
  const chosen = fixtures.filter((f) => !only.length || only.includes(f.name));

  const cases = new Map<string, Case>();
  for (const s of buildScenarios({ now: NOW, prefix: "rec" })) {
    cases.set(`${s.family}/firing`, s.firing);
    cases.set(`${s.family}/healthy`, s.healthy);
    for (const v of s.variants ?? []) cases.set(`${s.family}/${v.name}`, v);
  }
  const seed = seedOf([...new Set(chosen.map((f) => caseOf(cases, f)))]);

  const stoppedLoki = await startFakeLoki();
  const [vm, loki, kube, slowKube] = await Promise.all([
    startVictoriaMetrics(),
    startFakeLoki({ streams: seed.streams }),
    startFakeKubernetes({ objects: seed.objects, logs: seed.podLogs }),
    startFakeKubernetes({ objects: seed.objects, logs: seed.podLogs, delayMs: 3 * SLOW_TIMEOUT_MS }),
  ]);
  await stoppedLoki.stop();
  try {
    await vm.importPrometheus(seed.metrics);
    await vm.flush();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const peers = { metricsUrl: vm.selectUrl, logsUrl: loki.url, kubeconfigPath: writeKubeconfig(kube.url), timeoutMs: TIMEOUT_MS };
    const providersOf: Record<Peers, (metricsUrl: string) => Providers> = {
      up: (metricsUrl) => providersFor({ ...peers, metricsUrl }),
      prometheus_down: () => providersFor({ ...peers, metricsUrl: closed }),
      logs_down: (metricsUrl) => providersFor({ ...peers, metricsUrl, logsUrl: stoppedLoki.url }),
      kubernetes_slow: (metricsUrl) => providersFor({ ...peers, metricsUrl, kubeconfigPath: writeKubeconfig(slowKube.url), timeoutMs: SLOW_TIMEOUT_MS }),
      none: () => ({ timeoutMs: TIMEOUT_MS }),
    };
    mkdirSync(join(fixturesDir, "golden"), { recursive: true });
    const index: Record<string, FixtureIndexEntry> = {};
    for (const f of chosen) {
      const c = caseOf(cases, f);
      const own = c.ownMetrics ? await startVictoriaMetrics() : null;
      try {
        if (own) {
          await own.importPrometheus(c.seed.metrics);
          await own.flush();
        }
        const { name, ...entry } = await record(f, c, providersOf[f.peers ?? "up"](own?.selectUrl ?? vm.selectUrl));
        index[name] = entry;
        console.log(`${name}: ${entry.family} ${entry.label} ${entry.classification}`);
      } finally {
        await own?.stop();
      }
    }
    if (!only.length) writeFileSync(fixtureIndexPath, `${JSON.stringify(index, null, 2)}\n`);
  } finally {
    await Promise.all([vm.stop(), loki.stop(), kube.stop(), slowKube.stop()]);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
