// npm run tarka -- <flags> — operate Tarka from a shell (see README "CLI").
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { EnvError, databaseUrl, durationSchema, loadEnv, type Env } from "@/lib/env";
import { openDatabase } from "@/lib/db/client";
import { createLogger, type Logger } from "@/lib/log";
import { createQueue } from "@/lib/queue/create-queue";
import { safeParseJob } from "@/lib/queue/job";
import { replayDeadLetters } from "@/lib/jobs/replay-dead-letters";
import { rekeyCases } from "@/lib/cases/rekey-cases";
import { createProviders } from "@/lib/investigate/providers/create-providers";
import { investigateStoredAlert, listActiveAlerts } from "@/lib/investigate/investigate-from-alertmanager";
import { recordProviders } from "@/lib/investigate/replay/record-providers";
import { parseRecording } from "@/lib/investigate/replay/recording";
import { replayInvestigation } from "@/lib/investigate/replay/replay-investigation";
import { errorMessage } from "@/lib/errors";
import { runWorker } from "./run-worker";

const usage = `Usage: npm run tarka -- <command> [options]

Commands:
  --list-alerts                 list active alerts from ALERTMANAGER_URL (numbered)
  --alert N                     investigate alert number N of --list-alerts and print the report
  --fingerprint <prefix>        investigate the active alert whose fingerprint starts with <prefix>
  --replay <file>               re-run a recorded investigation offline (no network) and print its report
  --serve-webhook               run the web server (webhook + console), same as npm start
  --run-worker                  run the queue worker, same as npm run worker
  --migrate                     apply database migrations and exit
  --list-dlq                    list dead-lettered jobs (needs NATS_URL)
  --replay-dlq                  put dead-lettered jobs back on the queue, oldest first (needs NATS_URL)
  --rekey-cases                 re-key cases filed under a scraper (kube-state-metrics' pod…) by the alerts' subjects

Options:
  --time-window <dur>           evidence window for --alert/--fingerprint (default TIME_WINDOW, e.g. 30m, 2h)
  --dump-json                   print the report JSON instead of markdown
  --record <file>               with --alert/--fingerprint: save every provider call to <file> for --replay
  --limit N                     with --list-dlq/--replay-dlq: at most N entries (default 100)
  --dry-run                     with --replay-dlq/--rekey-cases: show what would change, change nothing
  -h, --help                    this text`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "list-alerts": { type: "boolean" },
      alert: { type: "string" },
      fingerprint: { type: "string" },
      record: { type: "string" },
      replay: { type: "string" },
      "time-window": { type: "string" },
      "dump-json": { type: "boolean" },
      "serve-webhook": { type: "boolean" },
      "run-worker": { type: "boolean" },
      migrate: { type: "boolean" },
      "list-dlq": { type: "boolean" },
      "replay-dlq": { type: "boolean" },
      "rekey-cases": { type: "boolean" },
      limit: { type: "string" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.replay !== undefined) {
    const file = values.replay;
    const recording = parseRecording(readFileSync(file, "utf8"), file);
    // Replay needs no configuration; only errors may be logged, stdout carries the report alone.
    const report = await replayInvestigation({ ctx: { log: createLogger({ level: "error", name: "cli" }) }, input: { recording, source: file } });
    process.stdout.write(values["dump-json"] ? `${JSON.stringify(report.json, null, 2)}\n` : report.markdown);
    return 0;
  }
  const env = loadEnv();
  const log = createLogger({ level: env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL, name: "cli" });

  if (values.migrate) {
    const handle = await openDatabase({ url: databaseUrl(env), dataDir: env.DATA_DIR, poolSize: 1 });
    await handle.close();
    console.log(`migrations applied (${handle.kind})`);
    return 0;
  }
  if (values["rekey-cases"]) {
    return rekeyCommand(env, Boolean(values["dry-run"]));
  }
  if (values["list-dlq"] || values["replay-dlq"]) {
    return deadLetterCommand(env, log, {
      replay: Boolean(values["replay-dlq"]),
      dryRun: Boolean(values["dry-run"]),
      limit: limitOption(values.limit),
    });
  }
  if (values["run-worker"]) {
    await runWorker();
    return -1;
  }
  if (values["serve-webhook"]) {
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(env.PORT)], { stdio: "inherit" });
    return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  }

  const providers = createProviders({ env, log, inCluster: Boolean(env.KUBERNETES_SERVICE_HOST) });
  if (values["list-alerts"]) {
    const alerts = await listActiveAlerts({ ctx: { providers } });
    if (alerts.length === 0) console.log("no active alerts");
    alerts.forEach((a, i) => {
      const where = [a.labels.namespace, a.labels.pod ?? a.labels.service ?? a.labels.instance].filter(Boolean).join("/");
      console.log(`${String(i + 1).padStart(3)}  ${a.fingerprint.slice(0, 12)}  ${a.labels.alertname ?? "?"}  ${where}  since ${a.startsAt}`);
    });
    return 0;
  }
  if (values.alert !== undefined || values.fingerprint !== undefined) {
    const timeWindow = timeWindowOption(values["time-window"], env);
    const recorder = values.record !== undefined ? recordProviders(providers) : null;
    // A recorded run uses one fixed instant, as replay will, so both print the same report.
    const now = new Date();
    const report = await investigateStoredAlert({
      ctx: recorder ? { providers: recorder.providers, log, now: () => now } : { providers, log },
      input: {
        selector: values.fingerprint !== undefined ? { fingerprintPrefix: values.fingerprint } : { index: Number(values.alert) },
        timeWindow,
        clusterName: env.CLUSTER_NAME,
        scrapers: env.SCRAPER_JOBS,
      },
    });
    if (recorder && values.record !== undefined) {
      const recording = recorder.recording({ now, alert: report.json.alert, timeWindow, clusterName: env.CLUSTER_NAME });
      mkdirSync(dirname(values.record), { recursive: true });
      writeFileSync(values.record, `${JSON.stringify(recording, null, 2)}\n`);
      console.error(`recorded ${recording.calls.length} provider call(s) to ${values.record}; replay with: npm run tarka -- --replay ${values.record}`);
    }
    process.stdout.write(values["dump-json"] ? `${JSON.stringify(report.json, null, 2)}\n` : report.markdown);
    return 0;
  }
  if (values.record !== undefined) {
    console.error("--record needs --alert N or --fingerprint <prefix>");
    return 2;
  }
  console.error(usage);
  return 2;
}

function limitOption(value: string | undefined): number {
  if (value === undefined) return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new EnvError(`--limit ${JSON.stringify(value)}: expected a positive whole number`);
  return n;
}

async function deadLetterCommand(env: Env, log: Logger, options: { replay: boolean; dryRun: boolean; limit: number }): Promise<number> {
  if (!env.NATS_URL) {
    console.error("the dead-letter queue lives in JetStream: set NATS_URL (embedded mode keeps dead letters in its own process)");
    return 2;
  }
  const queue = createQueue({ env, log });
  const handle = await openDatabase({ url: databaseUrl(env), dataDir: env.DATA_DIR, poolSize: 2 });
  try {
    if (!options.replay) {
      const entries = await queue.listDeadLetters(options.limit);
      if (entries.length === 0) console.log("the dead-letter queue is empty");
      for (const e of entries) {
        const job = safeParseJob(e.job);
        const what = !job.success
          ? "(invalid payload)"
          : job.data.kind === "rerun"
            ? `re-run ${job.data.rerunId} of case ${job.data.caseId}`
            : `${job.data.alert.alertname} ${job.data.alert.fingerprint.slice(0, 12)}`;
        console.log(`${String(e.id).padStart(6)}  ${e.at}  ${e.kind}  deliveries=${e.deliveries}  ${what}  ${e.reason}`);
      }
      return 0;
    }
    const result = await replayDeadLetters({ ctx: { db: handle.db, queue }, input: { limit: options.limit, dryRun: options.dryRun } });
    const verb = options.dryRun ? "would replay" : "replayed";
    for (const r of result.replayed) console.log(`${verb} ${r.id}  ${r.alertname} ${r.fingerprint.slice(0, 12)}`);
    for (const s of result.skipped) console.log(`kept     ${s.id}  ${s.reason}`);
    console.log(`${verb} ${result.replayed.length}, kept ${result.skipped.length}`);
    return 0;
  } finally {
    await queue.close();
    await handle.close();
  }
}

async function rekeyCommand(env: Env, dryRun: boolean): Promise<number> {
  const handle = await openDatabase({ url: databaseUrl(env), dataDir: env.DATA_DIR, poolSize: 1 });
  try {
    const actor = { id: null, username: "cli", name: "npm run tarka -- --rekey-cases", role: "admin" as const, sessionId: null };
    const result = await rekeyCases({ ctx: { db: handle.db, actor }, input: { scrapers: env.SCRAPER_JOBS, dryRun } });
    for (const c of result.changed) {
      if (c.outcome === "rekeyed") console.log(`${dryRun ? "would re-key" : "re-keyed"} ${c.caseId}  ${c.from} → ${c.to}`);
      else console.log(`${dryRun ? "would split" : "superseded"} ${c.caseId}  ${c.from} → ${c.into.map((i) => `${i.identityKey} (${i.runs} run(s))`).join(", ")}`);
    }
    console.log(`${dryRun ? "would change" : "changed"} ${result.changed.length} case(s), ${result.unchanged} unchanged`);
    return 0;
  } finally {
    await handle.close();
  }
}

function timeWindowOption(value: string | undefined, env: Env): string {
  if (value === undefined) return env.TIME_WINDOW;
  const parsed = durationSchema.safeParse(value);
  if (!parsed.success) throw new EnvError(`--time-window ${JSON.stringify(value)}: expected a duration such as 30m, 1h or 2d`);
  return parsed.data;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    console.error(e instanceof EnvError ? e.message : `error: ${errorMessage(e)}`);
    process.exit(e instanceof EnvError ? 2 : 1);
  },
);
