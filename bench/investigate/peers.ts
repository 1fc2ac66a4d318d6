// Started by bench/investigate/run.ts in its own process, so the investigating process's RSS and CPU
// are not mixed with the fakes'. Seeds VictoriaMetrics, a fake Kubernetes API and a fake Loki with every
// family's scenarios under the first prefix and the crash-loop scenario under each further prefix,
// prints one JSON line with their URLs, and stops them when stdin closes. The fakes answer after
// `latencyMs`, as a real API server and Loki under load would; VictoriaMetrics is real and answers as fast as it does.
import { seedOf } from "@/test/scenarios/families";
import { startFakeKubernetes } from "@/test/helpers/fake-kubernetes";
import { startFakeLoki } from "@/test/helpers/fake-loki";
import { startVictoriaMetrics } from "@/test/helpers/victoria-metrics";
import { allScenarios, crashloopScenario } from "./scenario";

const [nowIso, latency, first, ...others] = process.argv.slice(2);
const latencyMs = Number(latency);
if (!nowIso || !first || !Number.isInteger(latencyMs) || latencyMs < 0) throw new Error("usage: peers.ts <now ISO> <latency ms> <prefix>…");

const now = new Date(nowIso);
const seed = seedOf([
  ...allScenarios({ now, prefix: first }).flatMap((s) => [s.firing, s.healthy, ...(s.variants ?? [])]),
  ...others.map((prefix) => crashloopScenario({ now, prefix }).firing),
]);

const [vm, loki, kube] = await Promise.all([
  startVictoriaMetrics(),
  startFakeLoki({ streams: seed.streams, delayMs: latencyMs }),
  startFakeKubernetes({ objects: seed.objects, logs: seed.podLogs, delayMs: latencyMs }),
]);
await vm.importPrometheus(seed.metrics);
await vm.flush();

process.stdout.write(`${JSON.stringify({ metricsUrl: vm.selectUrl, logsUrl: loki.url, kubeUrl: kube.url })}\n`);

const stop = async () => {
  const mutations = kube.mutationAttempts;
  await Promise.all([vm.stop(), loki.stop(), kube.stop()]);
  process.stderr.write(`peers: ${kube.requests.length} Kubernetes requests (${mutations} non-GET), ${loki.queries.length} Loki queries\n`);
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
