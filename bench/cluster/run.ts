// npm run bench:cluster — alert storm through web + 2 workers on a 3-node JetStream cluster while the
// stream leader is SIGKILLed; prints throughput, the 503 window and the receipt-by-receipt check.
// BENCH_ALERTS (default 3000), BENCH_SENDERS (8), BENCH_REPLICAS (3; 1 for the R1 comparison row).
import { runClusterStorm } from "./storm";

const alerts = Number(process.env.BENCH_ALERTS ?? 3000);
const replicas = Number(process.env.BENCH_REPLICAS ?? 3);
const result = await runClusterStorm({
  alerts,
  senders: Number(process.env.BENCH_SENDERS ?? 8),
  killAfter: Math.floor(alerts / 3),
  downSeconds: 10,
  replicas,
  log: (line) => console.log(`  ${line}`),
});
console.log(`\nR${replicas}: ${result.accepted}/${result.alerts} accepted at ${result.acceptedPerSecond.toFixed(0)} alerts/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`);
console.log(`leader ${result.killedLeader} SIGKILLed: ${result.refused} answers were 503 over ${result.refusedWindowMs} ms, each resent until accepted`);
console.log(`drained in ${result.drainSeconds.toFixed(1)} s; ${result.reported}/${result.alerts} alerts have exactly one run with its .json and .md in storage`);
console.log(result.problems.length === 0 ? "receipt-by-receipt check: no alert lost, no dedupe key investigated twice" : `PROBLEMS (${result.problems.length}):\n${result.problems.slice(0, 30).join("\n")}`);
process.exit(result.problems.length === 0 ? 0 : 1);
