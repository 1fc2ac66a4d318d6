import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { freePort } from "./free-port";
import { eventually, waitForPort } from "./nats";

export type NatsClusterMember = { name: string; port: number; running(): boolean };

export type NatsCluster = {
  /** Every member, comma-separated, as NATS_URL takes it. */
  url: string;
  members: NatsClusterMember[];
  /** SIGKILL one member (no goodbye to its peers), keeping its store for `start`. */
  kill(name: string): Promise<void>;
  start(name: string): Promise<void>;
  /** The member that leads `stream` now (waits for an election if there is none). */
  leaderOf(stream: string, timeoutMs?: number): Promise<string>;
  /** The cluster has a JetStream meta leader again and every member is up. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  destroy(): Promise<void>;
};

/**
 * `size` Debian nats-server processes with JetStream, clustered over loopback routes: what
 * k8s/nats-cluster/ runs as a StatefulSet, started the way a test can kill and restart members.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const root = await mkdtemp(path.join(os.tmpdir(), "tarka-nats-cluster-"));
  const clusterName = `tarka_${path.basename(root).slice(-6)}`;
  const specs = await Promise.all(
    Array.from({ length: size }, async (_, i) => ({ name: `n${i + 1}`, port: await freePort(), routePort: await freePort() })),
  );
  const routes = specs.map((s) => `nats://127.0.0.1:${s.routePort}`).join(",");
  const children = new Map<string, ChildProcess>();

  async function start(name: string): Promise<void> {
    const s = specs.find((x) => x.name === name);
    if (!s) throw new Error(`no cluster member ${name}`);
    const args = ["-a", "127.0.0.1", "-p", String(s.port), "-js", "-sd", path.join(root, s.name), "-n", s.name];
    args.push("--cluster_name", clusterName, "--cluster", `nats://127.0.0.1:${s.routePort}`, "--routes", routes);
    const proc = spawn("nats-server", args, { stdio: "ignore" });
    children.set(name, proc);
    const exited = new Promise<never>((_, reject) => {
      proc.once("exit", (code) => reject(new Error(`nats-server ${name} exited with ${code}`)));
      proc.once("error", reject);
    });
    await Promise.race([waitForPort(s.port, 10_000), exited]);
  }

  async function kill(name: string): Promise<void> {
    const proc = children.get(name);
    children.delete(name);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill("SIGKILL");
    });
  }

  const url = specs.map((s) => `nats://127.0.0.1:${s.port}`).join(",");

  async function withManager<T>(fn: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: url.split(","), timeout: 2_000 });
    try {
      return await fn(await jetstreamManager(nc, { timeout: 2_000 }));
    } finally {
      await nc.close();
    }
  }

  await Promise.all(specs.map((s) => start(s.name)));
  const cluster: NatsCluster = {
    url,
    members: specs.map((s) => ({ name: s.name, port: s.port, running: () => children.has(s.name) })),
    kill,
    start,
    async leaderOf(stream, timeoutMs = 20_000) {
      return eventually(
        () => withManager(async (jsm) => (await jsm.streams.info(stream)).cluster?.leader || undefined).catch(() => undefined),
        timeoutMs,
        `a leader for stream ${stream}`,
      );
    },
    async waitHealthy(timeoutMs = 30_000) {
      await eventually(
        () =>
          withManager(async (jsm) => {
            const info = await jsm.getAccountInfo();
            return info.streams >= 0;
          }).catch(() => false),
        timeoutMs,
        "a JetStream meta leader",
      );
    },
    async destroy() {
      await Promise.all([...children.keys()].map(kill));
      await rm(root, { recursive: true, force: true });
    },
  };
  await cluster.waitHealthy();
  return cluster;
}
