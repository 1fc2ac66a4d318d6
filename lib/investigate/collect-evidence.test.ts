import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { familyOf } from "@/lib/alerts/family";
import { identityOf } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { createLogger } from "@/lib/log";
import { type FakeKubernetes, startFakeKubernetes, writeKubeconfig } from "@/test/helpers/fake-kubernetes";
import { type FakeLoki, startFakeLoki, toNs } from "@/test/helpers/fake-loki";
import { investigateAlert } from "./investigate-alert";
import { createKubernetesProvider } from "./providers/kubernetes";
import { createLogsProvider } from "./providers/logs";
import { type Report, reportSchema } from "./report";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const namespace = "shop";
const pod = "orders-7d9f8-x2k4q";
const refused = "dial tcp 10.3.0.9:5432: connect: connection refused";

const crashingPod = {
  kind: "Pod",
  metadata: { name: pod, namespace, labels: { app: "orders" }, creationTimestamp: ago(600).toISOString() },
  spec: { containers: [{ name: "app", image: "registry.example/orders:1.2.3" }] },
  status: {
    phase: "Running",
    startTime: ago(600).toISOString(),
    conditions: [{ type: "Ready", status: "False" }],
    containerStatuses: [
      {
        name: "app",
        image: "registry.example/orders:1.2.3",
        imageID: "",
        ready: false,
        restartCount: 5,
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 2m40s restarting failed container=app" } },
        lastState: { terminated: { reason: "Error", exitCode: 1, startedAt: ago(4).toISOString(), finishedAt: ago(3).toISOString() } },
      },
    ],
  },
};

const alert: NormalizedAlert = {
  fingerprint: "fp-orders-crash",
  status: "firing",
  alertname: "KubePodCrashLooping",
  labels: { alertname: "KubePodCrashLooping", severity: "critical", namespace, pod, container: "app" },
  annotations: {},
  startsAt: ago(20).toISOString(),
  endsAt: null,
  generatorURL: null,
  externalURL: null,
  receiver: "tarka",
};

let loki: FakeLoki;
let kube: FakeKubernetes;

beforeAll(async () => {
  [loki, kube] = await Promise.all([
    startFakeLoki({
      streams: [
        {
          stream: { namespace, pod, container: "app" },
          // The previous run's lines as shipped (its last line had not reached Loki yet), then the current run's first line.
          values: [
            [toNs(ago(6)), "booting"],
            [toNs(ago(5)), refused],
            [toNs(ago(4)), refused],
            [toNs(ago(1)), "booting"],
          ],
        },
      ],
    }),
    startFakeKubernetes({
      objects: [crashingPod],
      logs: [{ namespace, pod, container: "app", previous: true, lines: ["booting", refused, refused, "giving up after 2 attempts"] }],
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([loki?.stop(), kube?.stop()]);
});

async function investigate(): Promise<Report> {
  const family = familyOf(alert.alertname, alert.labels);
  const providers = {
    timeoutMs: 5_000,
    logs: createLogsProvider({ baseUrl: loki.url, timeoutMs: 5_000 }),
    kubernetes: createKubernetesProvider({ kubeconfigPath: writeKubeconfig(kube.url), timeoutMs: 5_000 }),
  };
  const report = await investigateAlert({
    ctx: { providers, log: createLogger({ level: "silent" }), now: () => NOW },
    input: { alert, family, identity: identityOf(alert, family), timeWindow: "1h" },
  });
  return reportSchema.parse(report);
}

describe("logs from Loki and the previous container through the Kubernetes API", () => {
  it("counts a line both hold once, keeps real repeats, and adds only what Loki lacks", async () => {
    const logs = (await investigate()).evidence.logs;
    expect(logs.backend).toBe("loki");
    expect(logs.entries.map((e) => `${e.labels.source ?? "loki"}: ${e.line}`)).toEqual([
      "loki: booting",
      `loki: ${refused}`,
      `loki: ${refused}`,
      "loki: booting",
      "kubernetes: giving up after 2 attempts",
    ]);
    expect(logs.matches.map((m) => [m.patternId, m.count])).toEqual([["connection_refused", 2]]);
    expect(logs.query).toContain(`GET pods/${namespace}/${pod}/log?container=app&previous=true`);
  });

  it("says which source each line came from", async () => {
    const report = await investigate();
    expect(report.analysis.decision.why).toContain(
      "5 log line(s): 4 from loki, 1 from the Kubernetes API (not in loki); most frequent known pattern: connection refused ×2 (10.3.0.9:5432)",
    );
  });
});
