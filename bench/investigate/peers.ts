// Started by bench/investigate/run.ts in its own process, so the investigating process's RSS and CPU
// are not mixed with the fakes'. Seeds VictoriaMetrics, a fake Kubernetes API and a fake Loki with the
// crash-loop scenario (once per prefix), prints one JSON line with their URLs, and stops them when
// stdin closes.
import { seedOf } from "@/test/scenarios/families";
import { startFakeKubernetes } from "@/test/helpers/fake-kubernetes";
import { startFakeLoki } from "@/test/helpers/fake-loki";
import { startVictoriaMetrics } from "@/test/helpers/victoria-metrics";
import { crashloopScenario } from "./scenario";

const [nowIso, ...prefixes] = process.argv.slice(2);
if (!nowIso || prefixes.length === 0) throw new Error("usage: peers.ts <now ISO> <prefix>…");

const now = new Date(nowIso);
const seed = seedOf(prefixes.map((prefix) => crashloopScenario({ now, prefix }).firing));

const [vm, loki, kube] = await Promise.all([
  startVictoriaMetrics(),
  startFakeLoki({ streams: seed.streams }),
  startFakeKubernetes({ objects: seed.objects, logs: seed.podLogs }),
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
