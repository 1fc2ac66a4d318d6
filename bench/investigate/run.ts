// npm run bench:investigate — investigations per second, latency and RSS of investigateAlert for a
// crash-looping pod killed by OOM, against local VictoriaMetrics + fake Kubernetes API + fake Loki (run
// in a child process; the fakes answer after BENCH_PROVIDER_LATENCY_MS, 50 ms unless set), and the
// engine alone on a recording of that investigation (the same evidence, answered from memory).
// Then every family's firing scenario once against the same peers: its provider calls and time.
// The investigating side runs twice, each in its own process: from source under tsx with V8's default
// heap (how the worker ran before it was bundled), then as shipped: bundled like dist/worker/main.mjs
// and started with the node flags of k8s/worker-deployment.yaml.
// Then the worker process itself, both ways, at WORKER_CONCURRENCY=8: a burst of BENCH_WORKER_JOBS
// (1000) alerts for distinct crash-looping pods through JetStream, PostgreSQL and its report store.
// BENCH_NODE_FLAGS (e.g. "--max-old-space-size=256", or "" for none) replaces those flags, to try others.
// Prints figures; asserts nothing about speed (targets are compared in the printed table).
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { writeKubeconfig } from "@/test/helpers/fake-kubernetes";
import { bundle } from "@/worker/build";
import type { InvestigatorInput, InvestigatorOutput, Row } from "./investigator";
import { crashloopScenario } from "./scenario";
import { measureWorkerProcess, type WorkerProcessRow } from "./worker-process";

const N = Number(process.env.BENCH_INVESTIGATIONS ?? 200);
const WORKER_JOBS = Number(process.env.BENCH_WORKER_JOBS ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 50);
const WORKER_CONCURRENCY = 8;
const TARGET_P95_MS = 1_500;
const TARGET_RSS_MB = 250;
const repo = path.resolve(import.meta.dirname, "../..");

async function startPeers(now: Date, latencyMs: number, prefixes: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "peers.ts"), now.toISOString(), String(latencyMs), ...prefixes], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`peers exited with ${code} before starting`)));
  });
  const urls = JSON.parse(first) as { metricsUrl: string; logsUrl: string; kubeUrl: string };
  return {
    urls,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

/** The node flags the worker Deployment starts dist/worker/main.mjs with, e.g. its heap cap. */
function shippedNodeFlags(): string[] {
  const docs = parseAllDocuments(readFileSync(path.join(repo, "k8s/worker-deployment.yaml"), "utf8")).map((d) => d.toJS());
  const deployment = docs.find((d) => d?.kind === "Deployment");
  const args = deployment?.spec?.template?.spec?.containers?.find((c: { name: string }) => c.name === "worker")?.args as string[] | undefined;
  if (!args || args[0] !== "node" || args.at(-1) !== "dist/worker/main.mjs") {
    throw new Error(`k8s/worker-deployment.yaml: expected the worker to run node … dist/worker/main.mjs, found ${JSON.stringify(args)}`);
  }
  return args.slice(1, -1);
}

async function investigate(nodeArgs: string[], input: InvestigatorInput): Promise<InvestigatorOutput> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, JSON.stringify(input)], {
    cwd: repo,
    maxBuffer: 16 * 2 ** 20,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as InvestigatorOutput;
}

const fmt = (v: number, digits = 1) => v.toFixed(digits);

function printRun(title: string, out: InvestigatorOutput) {
  console.log(`\n### ${title}\n`);
  console.log(`RSS after loading the code (the worker's modules: engine, providers, @kubernetes/client-node, queue, database, storage), before any investigation: ${fmt(out.idleRssMb, 0)} MB`);
  console.log(`peak RSS of the process (VmHWM): ${out.peakRssMb === null ? "n/a" : `${fmt(out.peakRssMb, 0)} MB`}\n`);
  console.log("| scenario | concurrency | investigations/s | p50 ms | p95 ms | max ms | max RSS MB | max heap used MB | wrong reports |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of out.rows) {
    console.log(`| ${r.name} | ${r.concurrency} | ${fmt(r.perS)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${fmt(r.rssMb, 0)} | ${fmt(r.heapMb, 0)} | ${r.wrong} |`);
  }
  const at = (name: string, c: number) => out.rows.find((r) => r.name.startsWith(name) && r.concurrency === c) as Row;
  console.log("\nprovider cost (with peers / engine only on the same evidence):");
  for (const c of [1, 8]) {
    const b = at("engine only", c);
    const p = at("VictoriaMetrics", c);
    console.log(`- concurrency ${c}: p50 ${fmt(p.p50 / b.p50)}×, throughput ${fmt(p.perS / b.perS, 3)}×`);
  }
}

async function main() {
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const override = process.env.BENCH_NODE_FLAGS;
  const flags = override === undefined ? shippedNodeFlags() : override.split(/\s+/).filter(Boolean);
  const bundleDir = path.join(repo, "dist/bench");
  await bundle({ entryPoints: { investigator: "bench/investigate/investigator.ts", worker: "worker/main.ts" }, outdir: bundleDir });
  const runs = [
    {
      title: "source under tsx, V8 default heap (before)",
      nodeArgs: ["--import", "tsx", path.join(import.meta.dirname, "investigator.ts")],
      workerArgs: ["--import", "tsx", "worker/main.ts"],
    },
    {
      title: `${override === undefined ? "shipped" : "BENCH_NODE_FLAGS"}: bundle, node ${flags.join(" ") || "(no flags)"}${override === undefined ? " (as k8s/worker-deployment.yaml)" : ""}`,
      nodeArgs: [...flags, path.join(bundleDir, "investigator.mjs")],
      workerArgs: [...flags, path.join(bundleDir, "worker.mjs")],
    },
  ];

  const workerPrefixes = Array.from({ length: WORKER_JOBS }, (_, i) => `${prefix}w${i}`);
  if (!Number.isInteger(LATENCY_MS) || LATENCY_MS < 0) throw new Error(`BENCH_PROVIDER_LATENCY_MS: expected a whole number of milliseconds, got ${process.env.BENCH_PROVIDER_LATENCY_MS}`);
  const peers = await startPeers(now, LATENCY_MS, [prefix, ...workerPrefixes]);
  const outputs: InvestigatorOutput[] = [];
  const workerRows: Array<WorkerProcessRow | string> = [];
  try {
    const input: InvestigatorInput = {
      now: now.toISOString(),
      prefix,
      investigations: N,
      latencyMs: LATENCY_MS,
      peers: { metricsUrl: peers.urls.metricsUrl, logsUrl: peers.urls.logsUrl, kubeconfigPath: writeKubeconfig(peers.urls.kubeUrl) },
    };
    for (const run of runs) outputs.push(await investigate(run.nodeArgs, input));
    const firing = workerPrefixes.map((p) => crashloopScenario({ now, prefix: p }).firing);
    for (const run of runs) {
      workerRows.push(
        await measureWorkerProcess({
          nodeArgs: run.workerArgs,
          cwd: repo,
          concurrency: WORKER_CONCURRENCY,
          alerts: firing.map((f) => f.alert),
          expectedClassification: firing[0]!.expected.classification,
          peers: input.peers,
        }).catch((e: unknown) => `not measured: ${e instanceof Error ? e.message : String(e)} (needs PostgreSQL and NATS: bash scripts/services.sh)`),
      );
    }
  } finally {
    await peers.stop();
  }

  const [first] = outputs as [InvestigatorOutput];
  const calls = Object.values(first.calls).reduce((a, b) => a + b, 0);
  const load = os.loadavg().map((l) => fmt(l, 2)).join(" ");
  console.log(`\nbench/investigate — ${N} investigations per row after 10 warm-up, fake Kubernetes/Loki latency ${LATENCY_MS} ms, ${os.cpus().length} cores, node ${first.node}, load average ${load}`);
  console.log(`alert: crash loop, last termination OOMKilled; one investigation = ${calls} provider calls (${Object.entries(first.calls).map(([p, n]) => `${p} ${n}`).join(", ")}); label ${first.label}`);
  runs.forEach((run, i) => printRun(run.title, outputs[i] as InvestigatorOutput));

  const shippedFamilies = (outputs.at(-1) as InvestigatorOutput).families;
  console.log(`\n### Provider calls per family (each family's firing scenario once, shipped configuration, fakes at ${LATENCY_MS} ms)\n`);
  console.log("| family | alert | Kubernetes | Prometheus | logs | total | ms | diagnosis as expected |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const f of shippedFamilies) {
    const c = f.calls;
    console.log(`| ${f.family} | ${f.alertname} | ${c.kubernetes} | ${c.prometheus} | ${c.logs} | ${c.kubernetes + c.prometheus + c.logs} | ${fmt(f.ms, 0)} | ${f.right ? "yes" : "NO"} |`);
  }

  console.log(`\n### The worker process: ${WORKER_JOBS} alerts in one burst, WORKER_CONCURRENCY=${WORKER_CONCURRENCY}\n`);
  console.log("Investigation time as the worker recorded it (queueing excluded); RSS of the worker process from /proc.\n");
  console.log("| worker | RSS at rest MB | max RSS MB (50 ms samples) | peak RSS MB (VmHWM) | investigations/s | p50 ms | p95 ms | max ms | wrong reports |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  runs.forEach((run, i) => {
    const w = workerRows[i] as WorkerProcessRow | string;
    if (typeof w === "string") console.log(`| ${run.title} | ${w} | | | | | | | |`);
    else console.log(`| ${run.title} | ${fmt(w.idleRssMb, 0)} | ${fmt(w.maxRssMb, 0)} | ${fmt(w.peakRssMb, 0)} | ${fmt(w.perS)} | ${fmt(w.p50, 0)} | ${fmt(w.p95, 0)} | ${fmt(w.max, 0)} | ${w.wrong} |`);
  });

  const shipped = outputs.at(-1) as InvestigatorOutput;
  const shippedWorker = workerRows.at(-1) as WorkerProcessRow | string;
  const at = (c: number) => shipped.rows.find((r) => r.name.startsWith("VictoriaMetrics") && r.concurrency === c) as Row;
  const workerP95 = typeof shippedWorker === "string" ? 0 : shippedWorker.p95;
  const worstP95 = Math.max(at(1).p95, at(8).p95, workerP95);
  const rss8 = at(8).rssMb;
  const worstRss = Math.max(rss8, shipped.peakRssMb ?? 0, typeof shippedWorker === "string" ? 0 : shippedWorker.peakRssMb);
  console.log(`\n### Against the targets (${override === undefined ? "shipped configuration" : "BENCH_NODE_FLAGS"})\n\n| target | figure | status |\n|---|---|---|`);
  console.log(`| p95 < ${TARGET_P95_MS} ms per investigation, providers at ${LATENCY_MS} ms | ${fmt(worstP95)} ms (worst of concurrency 1 and 8 in-process${workerP95 ? `; worker process p95 ${fmt(workerP95, 0)} ms` : ""}) | ${worstP95 < TARGET_P95_MS ? "met" : "NOT met"} |`);
  const workerFigure = typeof shippedWorker === "string" ? "worker process not measured" : `worker process peak ${fmt(shippedWorker.peakRssMb, 0)} MB`;
  console.log(`| RSS < ${TARGET_RSS_MB} MB at concurrency 8 | ${fmt(rss8, 0)} MB in-process (process peak ${shipped.peakRssMb === null ? "n/a" : `${fmt(shipped.peakRssMb, 0)} MB`}); ${workerFigure} | ${worstRss < TARGET_RSS_MB ? "met" : "NOT met"} |`);
  const wrong =
    [...outputs.flatMap((o) => o.rows), ...workerRows.filter((w) => typeof w !== "string")].reduce((n, r) => n + r.wrong, 0) +
    outputs.flatMap((o) => o.families).filter((f) => !f.right).length;
  if (wrong) {
    console.log(`\n${wrong} report(s) did not match the expected diagnosis`);
    process.exitCode = 1;
  }
}

await main();
