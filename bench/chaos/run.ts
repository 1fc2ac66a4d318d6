// npm run bench:chaos — alert storm through web + 2 workers while a worker is SIGKILLed, nats-server
// restarted, PostgreSQL crashed and restarted and s3rver stopped; prints the 503 windows and the
// receipt-by-receipt check. BENCH_ALERTS (default 10000), BENCH_SENDERS (8), BENCH_S3_DOWN_S (30).
import { runChaos } from "./chaos";

const result = await runChaos({
  alerts: Number(process.env.BENCH_ALERTS ?? 10_000),
  senders: Number(process.env.BENCH_SENDERS ?? 8),
  natsDownSeconds: 10,
  postgresDownSeconds: 10,
  s3DownSeconds: Number(process.env.BENCH_S3_DOWN_S ?? 30),
  graceSeconds: 10,
  drainTimeoutMs: 1_800_000,
  log: (line) => console.log(`  ${line}`),
});
console.log(`\n${result.accepted}/${result.alerts} accepted at ${result.acceptedPerSecond.toFixed(0)} alerts/s over ${result.sendSeconds.toFixed(0)} s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`);
for (const r of result.workerRestarts) console.log(r);
for (const w of result.windows) console.log(`${w.fault}: ${w.refusals} answers were 503, each resent until accepted`);
console.log(`settled in ${result.drainSeconds.toFixed(1)} s; ${result.deadLettered} dead-lettered, replayed with --replay-dlq and settled in ${result.replayDrainSeconds.toFixed(1)} s`);
console.log(`${result.reported} reported + ${result.skipped} recorded skips of ${result.alerts} alerts`);
console.log(result.problems.length === 0 ? "receipt-by-receipt check: no alert lost, no 5xx outside an outage, no dedupe key investigated twice" : `PROBLEMS (${result.problems.length}):\n${result.problems.slice(0, 30).join("\n")}`);
process.exit(result.problems.length === 0 ? 0 : 1);
