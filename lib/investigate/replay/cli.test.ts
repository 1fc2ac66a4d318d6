import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlertmanager, type AlertmanagerServer } from "@/test/helpers/alertmanager";
import { startFakeKubernetes, writeKubeconfig, type FakeKubernetes } from "@/test/helpers/fake-kubernetes";
import { fixturesDir, goldenPaths } from "./fixtures";
import { parseRecording } from "./recording";

type Run = { code: number | null; stdout: string; stderr: string };

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("node_modules/.bin/tsx", ["worker/cli.ts", ...args], {
      env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), LOG_LEVEL: "error", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "tarka-replay-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("npm run tarka -- --replay", () => {
  it("prints exactly the golden markdown, and with --dump-json exactly the golden JSON", async () => {
    const file = path.join(fixturesDir, "crashloop-oom.json");
    const md = await cli(["--replay", file]);
    expect(md.stderr).toBe("");
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(readFileSync(goldenPaths("crashloop-oom").markdown, "utf8"));
    const json = await cli(["--replay", file, "--dump-json"]);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(readFileSync(goldenPaths("crashloop-oom").json, "utf8"));
  });

  it("refuses a fixture with a bad shape, saying what is wrong", async () => {
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, JSON.stringify({ version: 1, calls: "none" }));
    const run = await cli(["--replay", bad]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`error: ${bad}: not a Tarka recording (version 1):`);
  });

  it("--record without an alert to investigate is a usage error", async () => {
    const run = await cli(["--record", path.join(tmp, "x.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--record needs --alert N or --fingerprint <prefix>");
  });
});

describe("npm run tarka -- --alert 1 --record", () => {
  let am: AlertmanagerServer;
  let kube: FakeKubernetes;
  const ns = `shop-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    kube = await startFakeKubernetes({
      objects: [
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "api-1", namespace: ns, uid: "u-api-1", labels: { app: "api" } },
          spec: { nodeName: "node-a", containers: [{ name: "app", image: "registry.example/api:2.0.0", resources: { limits: { memory: "256Mi" } } }] },
          status: {
            phase: "Running",
            startTime: "2026-01-01T00:00:00Z",
            conditions: [{ type: "Ready", status: "False" }],
            containerStatuses: [
              {
                name: "app",
                image: "registry.example/api:2.0.0",
                ready: false,
                restartCount: 5,
                state: { waiting: { reason: "CrashLoopBackOff" } },
                lastState: { terminated: { reason: "Error", exitCode: 1, finishedAt: new Date(Date.now() - 60_000).toISOString() } },
              },
            ],
          },
        },
      ],
      logs: [{ namespace: ns, pod: "api-1", container: "app", previous: true, lines: ["Error: environment variable DATABASE_URL is not set"] }],
    });
    am = await startAlertmanager();
    await am.postAlerts([{ labels: { alertname: "KubePodCrashLooping", severity: "warning", namespace: ns, pod: "api-1", container: "app" } }]);
  }, 60_000);

  afterAll(async () => {
    await am?.stop();
    await kube?.stop();
  });

  it("saves every provider call, and --replay of that file prints the same report offline", async () => {
    const file = path.join(tmp, "nested", "recorded.json");
    const env = {
      ALERTMANAGER_URL: am.url,
      KUBECONFIG: writeKubeconfig(kube.url),
      PROMETHEUS_URL: "http://127.0.0.1:2",
      PROVIDER_TIMEOUT_MS: "5000",
      TIME_WINDOW: "1h",
    };
    const live = await cli(["--alert", "1", "--record", file], env);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stderr).toContain(`provider call(s) to ${file}; replay with: npm run tarka -- --replay ${file}`);
    expect(live.stdout).toContain("suspected_config_or_permission_error");

    const recording = parseRecording(readFileSync(file, "utf8"), file);
    const methods = new Set(recording.calls.map((c) => `${c.provider}.${c.method}`));
    for (const m of ["alertmanager.listAlerts", "kubernetes.getPod", "kubernetes.getPodLogs", "metrics.range"]) expect(methods).toContain(m);
    expect(recording.calls.filter((c) => c.provider === "metrics").every((c) => "error" in c && c.error.message.includes("ECONNREFUSED"))).toBe(true);

    const kubeRequests = kube.requests.length;
    await am.stop();
    const replayed = await cli(["--replay", file]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toBe(live.stdout);
    expect(kube.requests.length).toBe(kubeRequests);
  }, 60_000);
});
