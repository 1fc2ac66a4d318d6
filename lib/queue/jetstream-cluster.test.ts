import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { NATS_TEST_URL, asAlertJob, eventually, queueTestOptions, testAlertJob, uniqueQueueNames, type QueueNames } from "@/test/helpers/nats";
import { startNatsCluster, type NatsCluster } from "@/test/helpers/nats-cluster";
import { advisoryStreamName, createJetStreamQueue, type JetStreamQueueOptions } from "./jetstream";
import type { JobQueue } from "./types";

let cluster: NatsCluster;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startNatsCluster(3);
});
afterAll(async () => {
  await cluster?.destroy();
});
afterEach(async () => {
  while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
  for (const m of cluster.members) if (!m.running()) await cluster.start(m.name);
  await cluster.waitHealthy();
});

function settings(names: QueueNames, overrides: Partial<JetStreamQueueOptions> = {}): JetStreamQueueOptions {
  return queueTestOptions(names, { url: cluster.url, maxDeliver: 5, duplicateWindowSeconds: 120, maxBytes: 64 * 1024 * 1024, replicas: 3, ...overrides });
}

function openQueue(options: JetStreamQueueOptions): JobQueue {
  const queue = createJetStreamQueue(options);
  cleanups.push(() => queue.close());
  return queue;
}

async function streamReplicas(url: string, names: QueueNames) {
  const nc = await connect({ servers: url.split(",") });
  try {
    const jsm = await jetstreamManager(nc);
    const streams = [names.stream, names.dlqStream, advisoryStreamName(names.stream, names.durable)];
    const replicas = await Promise.all(streams.map(async (s) => (await jsm.streams.info(s)).config.num_replicas));
    const consumer = await jsm.consumers.info(names.stream, names.durable);
    const peers = new Set([consumer.cluster?.leader, ...(consumer.cluster?.replicas ?? []).map((r) => r.name)].filter(Boolean));
    return { replicas, consumerPeers: peers.size };
  } finally {
    await nc.close();
  }
}

describe("JetStream on a 3-node cluster (Debian nats-server processes, loopback routes)", () => {
  it("creates every stream with JETSTREAM_REPLICAS=3 and reconciles an existing R1 stream to R3 on start", async () => {
    const names = uniqueQueueNames();
    const r1 = openQueue(settings(names, { replicas: 1 }));
    expect(await r1.publish(testAlertJob(), "r1-first")).toEqual({ duplicate: false });
    expect((await streamReplicas(cluster.url, names)).replicas).toEqual([1, 1, 1]);

    const r3 = openQueue(settings(names, { replicas: 3 }));
    expect(await r3.publish(testAlertJob(), "r3-first")).toEqual({ duplicate: false });
    const after = await streamReplicas(cluster.url, names);
    expect(after.replicas).toEqual([3, 3, 3]);
    await eventually(async () => (await streamReplicas(cluster.url, names)).consumerPeers === 3, 10_000, "the consumer on 3 peers");
    expect((await r3.stats()).pending).toBe(2);
  });

  it("says what to change when JETSTREAM_REPLICAS=3 meets a single server", async () => {
    const queue = openQueue(settings(uniqueQueueNames(), { url: NATS_TEST_URL, replicas: 3 }));
    const error = await queue.publish(testAlertJob(), "single").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ServiceError", code: "unavailable" });
    expect(String((error as Error).message)).toMatch(/JETSTREAM_REPLICAS=3.*set JETSTREAM_REPLICAS=1/);
  });

  it("loses no job when the stream leader is SIGKILLed mid-storm: publishes retry with the same id, consumers resume", async () => {
    const names = uniqueQueueNames();
    const producer = openQueue(settings(names));
    const consumerQueue = openQueue(settings(names));
    const handled = new Map<string, number>();
    const consumer = await consumerQueue.consume({
      concurrency: 4,
      fetchBatch: 10,
      handler: async (job) => {
        const { receiptId } = asAlertJob(job);
        handled.set(receiptId, (handled.get(receiptId) ?? 0) + 1);
      },
    });
    cleanups.push(() => consumer.stop(1_000));
    const leader = await cluster.leaderOf(names.stream);

    const total = 400;
    const jobs = Array.from({ length: total }, () => testAlertJob());
    let refused = 0;
    let duplicates = 0;
    let killedAt = -1;
    let next = 0;
    // Like Alertmanager: a refused (503) publish is sent again with the same id until it is accepted.
    async function sender(): Promise<void> {
      while (next < total) {
        const i = next++;
        if (i === 150 && killedAt < 0) {
          killedAt = i;
          await cluster.kill(leader);
          setTimeout(() => void cluster.start(leader), 3_000);
        }
        for (;;) {
          try {
            const r = await producer.publish(jobs[i], `storm-${jobs[i].receiptId}`);
            if (r.duplicate) duplicates++;
            break;
          } catch {
            refused++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, sender));
    expect(killedAt).toBe(150);
    expect(await cluster.leaderOf(names.stream)).toBeTruthy();
    await eventually(() => handled.size === total, 60_000, `all ${total} jobs handled`);
    expect(new Set(handled.keys())).toEqual(new Set(jobs.map((j) => j.receiptId)));
    // The restarted member may take the consumer's leadership back; stats asked meanwhile time out.
    const settled = await eventually(
      async () => {
        const stats = await consumerQueue.stats().catch(() => undefined);
        return stats?.pending === 0 ? stats : undefined;
      },
      30_000,
      "an empty queue",
    );
    expect(settled.deadLetters).toBe(0);
    console.info(`leader ${leader} killed after 150/${total} publishes: ${refused} publishes refused and resent, ${duplicates} dropped as duplicates, ${[...handled.values()].filter((n) => n > 1).length} jobs delivered twice`);
  });

  it("reports 'no JetStream quorum' in readiness when two of three members are gone, and recovers", async () => {
    const names = uniqueQueueNames();
    const queue = openQueue(settings(names, { publishTimeoutMs: 2_000 }));
    await eventually(() => queue.isReady().catch(() => false), 20_000, "R3 streams created and led");
    const [a, b] = cluster.members;
    await cluster.kill(a.name);
    await cluster.kill(b.name);
    await eventually(
      () => queue.isReady().then(() => false, (e: Error) => /no JetStream quorum/.test(e.message)),
      20_000,
      "readiness to report the lost quorum",
    );
    await expect(queue.publish(testAlertJob(), "no-quorum")).rejects.toMatchObject({ code: "unavailable" });
    await cluster.start(a.name);
    await cluster.start(b.name);
    await eventually(() => queue.isReady().catch(() => false), 30_000, "readiness after the quorum is back");
    expect(await queue.publish(testAlertJob(), "quorum-back")).toEqual({ duplicate: false });
  });
});
