import { afterAll, describe, expect, it } from "vitest";
import { familyRegistry, families, type Family } from "@/lib/alerts/family";
import { shellSandbox } from "@/test/helpers/shell";
import type { MetricsProvider, Providers } from "../providers/types";
import type { Report } from "../report";
import { alertOf, containerOf, eventOf, failing, investigate, kubeOf, logsOf, nodeOf, podOf, workloadOf } from "@/test/helpers/engine-providers";

/**
 * Every family, with hostile text in every label and Kubernetes name, must only ever produce
 * commands in which that text is an inert argument: run through the real /bin/sh, none of the
 * injected `touch` commands may create its file.
 */
const payloads = {
  injection: "prod;touch PWN1;$(touch PWN2)`touch PWN3`|touch PWN4&&touch PWN5 'x'\"y\"\ntouch PWN6",
  option: "--kubeconfig=/tmp/evil",
  dotdot: "..",
};
const labelKeys = [
  "namespace", "pod", "container", "service", "job", "job_name", "instance", "node", "deployment", "statefulset", "daemonset",
  "persistentvolumeclaim", "consumergroup", "queue", "vhost", "topic", "secret_name", "secret_namespace", "name", "exported_namespace",
  "certificate", "issuer", "endpoint", "target", "host", "cluster", "horizontalpodautoscaler", "resourcequota", "persistentvolume",
  "poddisruptionbudget", "device", "master", "resource", "phase",
];
const tools = "kubectl|curl|openssl|cmctl|rabbitmqctl|kafka-consumer-groups\\.sh|nats|aws|promtool|redis-cli|psql|mysql|nc|nslookup|ip|systemctl|etcdctl";
const commandWords = new RegExp(`^(${tools}) `);
const quotedCommand = new RegExp(`: (${tools}) `);

function alertnameOf(family: Family): string {
  return familyRegistry.find((r) => r.family === family)?.names[0] ?? "SomethingOdd";
}

/** Every series rises from 0.5 to 1.5: enough for most families to reach their diagnosis branches. */
const rising: MetricsProvider = {
  kind: "prometheus",
  baseUrl: "http://prometheus.test",
  instant: async () => [],
  range: async (_q, start, _end, step) => {
    const t0 = Math.floor(start.getTime() / 1000);
    return [{ metric: {}, values: Array.from({ length: 20 }, (_, i) => [t0 + i * step, 0.5 + i / 19] as [number, number]) }];
  },
};

function richProviders(p: string): Partial<Providers> {
  const crashed = containerOf({ name: p, ready: false, restartCount: 9, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "OOMKilled", lastTerminatedExitCode: 137, image: `${p}:1` });
  return {
    kubernetes: kubeOf({
      pod: podOf({ namespace: p, name: p, nodeName: p, phase: "Pending", containers: [crashed], owner: { kind: "ReplicaSet", name: p } }),
      workload: workloadOf({ namespace: p, name: p, desired: 3, ready: 1, updated: 1, available: 1, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] }),
      node: nodeOf({ name: p, conditions: [{ type: "Ready", status: "False" }, { type: "MemoryPressure", status: "True" }] }),
      events: [eventOf("FailedScheduling", `0/3 nodes available ${p}`), eventOf("Failed", `Failed to pull image "${p}"`)],
      hpa: { namespace: p, name: p, scaleTarget: { kind: p, name: p }, minReplicas: 1, maxReplicas: 3, currentReplicas: 3, desiredReplicas: 3, metrics: [{ name: p, current: "90%", target: "50%" }], conditions: [{ type: "ScalingLimited", status: "True", reason: p }] },
      quotas: [{ namespace: p, name: p, hard: { "requests.cpu": "1" }, used: { "requests.cpu": "1" } }],
      pvc: { namespace: p, name: p, phase: "Pending", volumeName: p, storageClass: p },
      pv: { name: p, phase: "Failed", reason: p, claim: { namespace: p, name: p } },
      namespaceEvents: [eventOf("FailedCreate", `exceeded quota: ${p}`)],
      logs: [`dial tcp ${p}:5432: connect: connection refused`, `lookup ${p}: no such host`, `x509: certificate has expired for ${p}:443`],
      previousLogs: [`dial tcp ${p}:5432: connect: connection refused`, `missing required env ${p}`, `permission denied: ${p}`],
    }),
    metrics: rising,
    logs: logsOf([`dial tcp ${p}:5432: connect: connection refused`, `open ${p}: permission denied`]),
  };
}

/** The shell text of every copy/paste command in a report, including commands quoted inside sentences. */
function commandsOf(report: Report): string[] {
  const a = report.analysis;
  const texts = [
    ...a.decision.steps.filter((s) => s.kind !== "promql").map((s) => s.text),
    ...a.enrichment.steps.filter((s) => s.kind !== "promql").map((s) => s.text),
    ...a.hypotheses.flatMap((h) => h.nextTests),
  ];
  return texts.flatMap((t) => {
    if (commandWords.test(t)) return [t];
    const i = t.search(quotedCommand);
    return i >= 0 ? [t.slice(i + 2)] : [];
  });
}

const sandbox = shellSandbox();
afterAll(() => sandbox.remove());

describe("every family's commands with hostile labels", () => {
  it.each(families)("%s", async (family) => {
    const commands = new Set<string>();
    for (const p of Object.values(payloads)) {
      const labels = { alertname: alertnameOf(family), ...Object.fromEntries(labelKeys.map((k) => [k, p])) };
      const alert = alertOf(labels);
      for (const providers of [{}, failing, richProviders(p)]) {
        const report = await investigate(alert, providers, { family });
        for (const c of commandsOf(report)) commands.add(c);
      }
    }
    expect(commands.size).toBeGreaterThan(0);
    for (const command of commands) expect(command).not.toMatch(/(^|\s)--kubeconfig/);
    sandbox.run([...commands]);
    expect(sandbox.files()).toEqual([]);
  });

  it.each([
    "PrometheusTSDBCompactionsFailing", "PrometheusScrapeSampleLimitHit", "PrometheusDuplicateTimestamps", "PrometheusMissingRuleEvaluations",
    "PrometheusHighQueryLoad", "PrometheusOperatorReconcileErrors", "PrometheusOperatorNotReady", "PrometheusOperatorRejectedResources",
    "PrometheusOperatorNodeLookupErrors", "GrafanaRequestsFailing", "NodeTextFileCollectorScrapeError", "KubeStateMetricsShardsMissing",
    "AlertmanagerClusterDown", "AlertmanagerMembersInconsistent",
  ])("observability_pipeline for %s", async (alertname) => {
    const commands = new Set<string>();
    for (const p of Object.values(payloads)) {
      const alert = alertOf({ alertname, ...Object.fromEntries([...labelKeys, "controller", "handler"].map((k) => [k, p])) });
      for (const providers of [{}, richProviders(p)]) {
        const report = await investigate(alert, providers, { family: "observability_pipeline" });
        for (const c of commandsOf(report)) commands.add(c);
      }
    }
    expect(commands.size).toBeGreaterThan(0);
    sandbox.run([...commands]);
    expect(sandbox.files()).toEqual([]);
  });

  // The label set above names a RabbitMQ queue and a Kafka group, so the NATS and SQS branches need their own.
  it.each([
    ["NATS JetStream", ["stream_name", "consumer_name", "namespace"]],
    ["SQS", ["dimension_QueueName", "region", "namespace"]],
  ])("queue_backlog for %s", async (_broker, keys) => {
    const commands = new Set<string>();
    for (const p of Object.values(payloads)) {
      const alert = alertOf({ alertname: "QueueBacklog", ...Object.fromEntries(keys.map((k) => [k, p])) });
      for (const providers of [{}, richProviders(p)]) {
        const report = await investigate(alert, providers, { family: "queue_backlog" });
        for (const c of commandsOf(report)) commands.add(c);
      }
    }
    expect([...commands].some((c) => /^(nats|aws) /.test(c))).toBe(true);
    sandbox.run([...commands]);
    expect(sandbox.files()).toEqual([]);
  });
});
