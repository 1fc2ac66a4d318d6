import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { createLogger } from "@/lib/log";
import type { JetStreamQueueOptions } from "@/lib/queue/jetstream";
import type { AlertJob, Job } from "@/lib/queue/job";
import { freePort } from "./free-port";

/** The local JetStream server the tests share (README, "Run every test"; `scripts/services.sh` starts it). */
export const NATS_TEST_URL = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222";

export type QueueNames = {
  prefix: string;
  stream: string;
  subject: string;
  durable: string;
  dlqStream: string;
  dlqSubject: string;
};

/** Stream, subject and consumer names no other test uses; every stream name starts with `prefix`. */
export function uniqueQueueNames(): QueueNames {
  const prefix = `T_${randomBytes(5).toString("hex").toUpperCase()}`;
  const subjectRoot = prefix.toLowerCase();
  return {
    prefix,
    stream: prefix,
    subject: `${subjectRoot}.alerts`,
    durable: "WORKERS",
    dlqStream: `${prefix}_DLQ`,
    dlqSubject: `${subjectRoot}.dlq`,
  };
}

/** The environment that points a Tarka process at these streams on the test server. */
export function jetStreamEnv(names: QueueNames, url = NATS_TEST_URL): Record<string, string> {
  return {
    NATS_URL: url,
    JETSTREAM_STREAM: names.stream,
    JETSTREAM_SUBJECT: names.subject,
    JETSTREAM_DURABLE: names.durable,
    JETSTREAM_DLQ_STREAM: names.dlqStream,
    JETSTREAM_DLQ_SUBJECT: names.dlqSubject,
  };
}

/** Queue options for tests: short waits, small bounds, silent log; `overrides` wins. */
export function queueTestOptions(names: QueueNames, overrides: Partial<JetStreamQueueOptions> = {}): JetStreamQueueOptions {
  return {
    url: NATS_TEST_URL,
    ...names,
    ackWaitSeconds: 30,
    maxDeliver: 3,
    backoffSeconds: [],
    duplicateWindowSeconds: 60,
    maxAgeHours: 1,
    maxBytes: 10 * 1024 * 1024,
    log: createLogger({ level: "silent" }),
    ...overrides,
  };
}

export async function connectTestNats(url = NATS_TEST_URL): Promise<NatsConnection> {
  return connect({ servers: url, name: "tarka-test" });
}

/** Remove every stream whose name starts with `prefix` (the queue's work, DLQ and advisory streams). */
export async function deleteStreams(prefix: string, url = NATS_TEST_URL): Promise<void> {
  const nc = await connectTestNats(url);
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) names.push(name);
    await Promise.all(names.map((n) => jsm.streams.delete(n)));
  } finally {
    await nc.close();
  }
}

/** The alert job a test queued (these tests queue no re-runs). */
export function asAlertJob(job: Job): AlertJob {
  if (job.kind === "rerun") throw new Error(`expected an alert job, got re-run ${job.rerunId}`);
  return job;
}

/** A job that passes `alertJobSchema`. */
export function testAlertJob(overrides: Partial<AlertJob> = {}): AlertJob {
  const fingerprint = randomBytes(8).toString("hex");
  return {
    alert: {
      fingerprint,
      status: "firing",
      alertname: "KubePodCrashLooping",
      labels: { alertname: "KubePodCrashLooping", namespace: "prod", pod: `api-${fingerprint.slice(0, 5)}` },
      annotations: { summary: "Pod is crash looping" },
      startsAt: "2026-11-23T10:00:00Z",
      endsAt: null,
      generatorURL: null,
      externalURL: null,
      receiver: "tarka",
    },
    receiptId: randomUUID(),
    receivedAt: new Date().toISOString(),
    timeWindow: "1h",
    ...overrides,
  };
}

/** Poll `check` until it returns a value that is not undefined/false, or fail after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type PrivateNatsServer = {
  url: string;
  port: number;
  /** Stop the server (SIGTERM) and wait for it to exit; the store folder is kept for `start()`. */
  stop(): Promise<void>;
  /** Start it again on the same port and store. */
  start(): Promise<void>;
  /** Stop and delete the store folder. */
  destroy(): Promise<void>;
};

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A nats-server of this test's own (JetStream on, temporary store), for tests that stop the server. */
export async function startPrivateNatsServer(): Promise<PrivateNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(path.join(os.tmpdir(), "tarka-nats-"));
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], { stdio: "ignore" });
    child = proc;
    const exited = new Promise<never>((_, reject) => {
      proc.once("exit", (code) => reject(new Error(`nats-server exited with ${code}`)));
      proc.once("error", reject);
    });
    await Promise.race([waitForPort(port, 10_000), exited]);
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill("SIGTERM");
    });
  }

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
