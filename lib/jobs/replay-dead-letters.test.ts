import { spawnSync } from "node:child_process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receivedAlerts } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { createLogger } from "@/lib/log";
import { createJetStreamQueue } from "@/lib/queue/jetstream";
import type { AlertJob } from "@/lib/queue/job";
import type { JobQueue } from "@/lib/queue/types";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { asAlertJob, connectTestNats, deleteStreams, eventually, NATS_TEST_URL, testAlertJob, uniqueQueueNames } from "@/test/helpers/nats";
import { replayDeadLetters } from "./replay-dead-letters";

const names = uniqueQueueNames();
let tdb: TestDatabase;
let queue: JobQueue;

beforeAll(async () => {
  tdb = await createTestDatabase();
  queue = createJetStreamQueue({
    url: NATS_TEST_URL,
    ...names,
    ackWaitSeconds: 30,
    maxDeliver: 3,
    backoffSeconds: [0.1],
    duplicateWindowSeconds: 60,
    maxAgeHours: 1,
    maxBytes: 10 * 1024 * 1024,
    log: createLogger({ level: "silent" }),
  });
});

afterAll(async () => {
  await queue?.close();
  await deleteStreams(names.prefix);
  await tdb?.drop();
});

async function receipt(job: AlertJob): Promise<void> {
  await tdb.db.insert(receivedAlerts).values({
    id: job.receiptId,
    fingerprint: job.alert.fingerprint,
    alertname: job.alert.alertname,
    status: "firing",
    labels: job.alert.labels,
    annotations: job.alert.annotations,
    startsAt: new Date(job.alert.startsAt),
    disposition: "dead_letter",
  });
}

describe("replayDeadLetters (real NATS JetStream and PostgreSQL)", () => {
  it("puts valid dead-lettered jobs back on the queue, keeps invalid ones, and a dry run changes nothing", async () => {
    const jobs = [testAlertJob(), testAlertJob()];
    for (const job of jobs) await receipt(job);
    const failing = await queue.consume({
      concurrency: 1,
      fetchBatch: 1,
      handler: async () => {
        throw new ServiceError("invalid_input", "provider misconfigured");
      },
    });
    for (const [i, job] of jobs.entries()) await queue.publish(job, `replay-${i}`);
    const nc = await connectTestNats();
    const { jetstream } = await import("@nats-io/jetstream");
    await jetstream(nc).publish(names.subject, "{garbage");
    await nc.close();
    await eventually(async () => (await queue.listDeadLetters(10)).length === 3, 15_000, "three dead letters");
    await failing.stop(5_000);

    const dry = await replayDeadLetters({ ctx: { db: tdb.db, queue }, input: { limit: 10, dryRun: true } });
    expect(dry.replayed).toHaveLength(2);
    expect(await queue.listDeadLetters(10)).toHaveLength(3);

    const result = await replayDeadLetters({ ctx: { db: tdb.db, queue }, input: { limit: 10 } });
    expect(result.replayed.map((r) => r.fingerprint).sort()).toEqual(jobs.map((j) => j.alert.fingerprint).sort());
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0].reason).toMatch(/invalid_payload/);
    const left = await queue.listDeadLetters(10);
    expect(left.map((e) => e.kind)).toEqual(["invalid_payload"]);
    for (const job of jobs) {
      const [row] = await tdb.db.select().from(receivedAlerts).where(eq(receivedAlerts.id, job.receiptId));
      expect(row.disposition).toBe("queued");
    }

    const seen: string[] = [];
    const healthy = await queue.consume({ concurrency: 2, fetchBatch: 2, handler: async (job) => void seen.push(asAlertJob(job).receiptId) });
    await eventually(() => seen.length === 2, 15_000, "replayed jobs delivered");
    await healthy.stop(5_000);
    expect(seen.sort()).toEqual(jobs.map((j) => j.receiptId).sort());
  });

  it("CLI: --list-dlq explains that the DLQ needs NATS_URL", () => {
    const r = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "worker/cli.ts", "--list-dlq"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "test" },
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/set NATS_URL/);
  });
});
