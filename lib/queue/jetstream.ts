import { connect, nanos, type NatsConnection } from "@nats-io/transport-node";
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type Consumer as NatsConsumer,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from "@nats-io/jetstream";
import { z } from "zod";
import { ServiceError, errorMessage } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { DeadLetter, Job } from "./job";
import { assertConsumeOptions, deadLetter, failureOutcome, parseJob, rawJob, retryDelayMs } from "./outcome";
import { registeredConsumer } from "./registered-consumer";
import type { ConsumeOptions, JobQueue, QueueStats } from "./types";

export type JetStreamQueueOptions = {
  /** One server or a comma-separated list of cluster members; the client fails over between them. */
  url: string;
  stream: string;
  subject: string;
  durable: string;
  dlqStream: string;
  dlqSubject: string;
  ackWaitSeconds: number;
  maxDeliver: number;
  backoffSeconds: readonly number[];
  duplicateWindowSeconds: number;
  maxAgeHours: number;
  maxBytes: number;
  /** Stream (and consumer) replicas: 1 on a single server, 3 on a cluster. Reconciled on every start. */
  replicas?: number;
  /** Bound on one publish (connect included); the client would otherwise buffer while reconnecting. */
  publishTimeoutMs?: number;
  log: Logger;
};

type Link = { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager };
type Runner = { stop(deadlineMs: number): Promise<void>; inFlight(): number };

const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
/** Pause between publish attempts while a cluster elects a new stream leader. */
const PUBLISH_RETRY_MS = 200;
/** Dead letters are kept longer than jobs so an operator can still look at last week's failures. */
const DLQ_MAX_AGE_HOURS = 30 * 24;
/** Short pulls keep stop() prompt: an outstanding pull cannot be cancelled, so stop waits it out. */
const FETCH_EXPIRES_MS = 2_000;
const RETRY_LOOP_AFTER_MS = 1_000;
const MAX_HEARTBEAT_INTERVAL_MS = 30_000;

const advisorySchema = z.object({ stream_seq: z.number().int().positive(), deliveries: z.number().int().nonnegative() });

/** The stream that keeps MAX_DELIVERIES advisories, which core NATS would otherwise drop while no worker listens. */
export function advisoryStreamName(stream: string, durable: string): string {
  return `${stream}_${durable}_ADVISORIES`;
}

/**
 * The backoff list is not put on the consumer: with one, the server replaces ack_wait by backoff[0],
 * and JETSTREAM_ACK_WAIT_SECONDS would stop meaning what operators set. Retries use it as nak delays.
 */
function heartbeatIntervalMs(o: JetStreamQueueOptions): number {
  return Math.min(MAX_HEARTBEAT_INTERVAL_MS, Math.max(100, Math.floor((o.ackWaitSeconds * 1_000) / 3)));
}

function isNotFound(e: unknown): boolean {
  return (
    e instanceof JetStreamApiError &&
    (e.code === JetStreamApiCodes.StreamNotFound || e.code === JetStreamApiCodes.ConsumerNotFound)
  );
}

/** The stream itself said no (full, too large…): retrying the same publish cannot help. */
function isRefusedByStream(e: unknown): boolean {
  return e instanceof JetStreamApiError && e.status !== 503;
}

function secondsToNanos(seconds: number): number {
  return nanos(Math.round(seconds * 1_000));
}

/** The server refuses replicas above 1 unless it is a cluster with enough members; say what to change. */
function replicasError(e: unknown, stream: string, replicas: number): unknown {
  const message = errorMessage(e);
  if (replicas > 1 && /replicas|peers|placement|clustered/i.test(message)) {
    return new ServiceError(
      "unavailable",
      `JETSTREAM_REPLICAS=${replicas} but NATS cannot place ${replicas} replicas of stream ${stream} (${message}): ` +
        `run a NATS cluster of at least ${replicas} JetStream servers, or set JETSTREAM_REPLICAS=1 for a single server`,
      { cause: e },
    );
  }
  return e;
}

async function ensureStream(
  jsm: JetStreamManager,
  log: Logger,
  config: Partial<StreamConfig> & { name: string; num_replicas: number },
): Promise<void> {
  let current: number;
  try {
    current = (await jsm.streams.info(config.name)).config.num_replicas;
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.streams.add(config).catch((err: unknown) => {
      throw replicasError(err, config.name, config.num_replicas);
    });
    return;
  }
  const { name, retention: _retention, storage: _storage, ...editable } = config;
  await jsm.streams.update(name, editable).catch((err: unknown) => {
    throw replicasError(err, name, config.num_replicas);
  });
  if (current !== config.num_replicas) log.warn({ stream: name, from: current, to: config.num_replicas }, "stream replicas changed");
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(stream, config);
    return;
  }
  const { durable_name, ack_policy: _ackPolicy, ...editable } = config;
  await jsm.consumers.update(stream, durable_name, editable);
}

/** Idempotent: creates what is missing and brings existing streams and consumers to these settings. */
async function provision(jsm: JetStreamManager, o: JetStreamQueueOptions): Promise<void> {
  const duplicateWindow = secondsToNanos(o.duplicateWindowSeconds);
  const num_replicas = o.replicas ?? 1;
  await ensureStream(jsm, o.log, {
    name: o.stream,
    subjects: [o.subject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    // Refusing new jobs when full turns into a 503 that Alertmanager retries; dropping old ones would lose alerts silently.
    discard: DiscardPolicy.New,
    max_age: nanos(o.maxAgeHours * 3_600_000),
    max_bytes: o.maxBytes,
    duplicate_window: duplicateWindow,
    num_replicas,
  });
  await ensureStream(jsm, o.log, {
    name: o.dlqStream,
    subjects: [o.dlqSubject],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(DLQ_MAX_AGE_HOURS * 3_600_000),
    max_bytes: o.maxBytes,
    duplicate_window: duplicateWindow,
    num_replicas,
  });
  const advisoryStream = advisoryStreamName(o.stream, o.durable);
  await ensureStream(jsm, o.log, {
    name: advisoryStream,
    subjects: [`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${o.stream}.${o.durable}`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    max_age: nanos(o.maxAgeHours * 3_600_000),
    num_replicas,
  });
  await ensureConsumer(jsm, o.stream, {
    durable_name: o.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: secondsToNanos(o.ackWaitSeconds),
    max_deliver: o.maxDeliver,
    backoff: [],
    num_replicas,
  });
  await ensureConsumer(jsm, advisoryStream, {
    durable_name: o.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(60_000),
    num_replicas,
  });
}

async function withTimeout<T>(ms: number, what: string, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Durable job queue on NATS JetStream (docs/architecture.md, "Queue"). Connects and provisions on first use. */
export function createJetStreamQueue(options: JetStreamQueueOptions): JobQueue {
  const o = options;
  const log = o.log;
  const publishTimeoutMs = o.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  const apiTimeoutMs = Math.max(publishTimeoutMs, 5_000);
  const runners = new Set<Runner>();
  let linking: Promise<Link> | undefined;
  let closed = false;
  let connected = false;

  async function open(): Promise<Link> {
    const nc = await connect({
      servers: o.url.split(",").map((s) => s.trim()).filter(Boolean),
      name: "tarka",
      timeout: publishTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: apiTimeoutMs });
      await provision(jsm, o);
      connected = true;
      void watchStatus(nc);
      return { nc, jsm, js: jetstream(nc, { timeout: apiTimeoutMs }) };
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  async function watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") {
        connected = false;
        log.warn({ server: s.server }, "NATS connection lost; reconnecting");
      } else if (s.type === "reconnect") {
        connected = true;
        log.info({ server: s.server }, "NATS connection restored");
      }
    }
  }

  function link(): Promise<Link> {
    if (closed) return Promise.reject(new ServiceError("unavailable", "the queue is closed"));
    if (!linking) {
      const attempt = open();
      linking = attempt;
      const forget = () => {
        if (linking === attempt) linking = undefined;
      };
      attempt.then(
        (l) =>
          l.nc.closed().then(() => {
            connected = false;
            forget();
          }),
        forget,
      );
    }
    return linking;
  }

  async function publishDeadLetter(js: JetStreamClient, entry: DeadLetter, workSeq: number): Promise<boolean> {
    const ack = await js.publish(o.dlqSubject, JSON.stringify(entry), {
      msgID: `dlq-${o.stream}-${workSeq}`,
      timeout: apiTimeoutMs,
    });
    return ack.duplicate;
  }

  async function startRunner(l: Link, consume: ConsumeOptions): Promise<Runner> {
    const work = await l.js.consumers.get(o.stream, o.durable);
    const advisories = await l.js.consumers.get(advisoryStreamName(o.stream, o.durable), o.durable);
    const beatMs = heartbeatIntervalMs(o);
    const inFlight = new Set<Promise<void>>();
    const fetches = new Set<ConsumerMessages>();
    let stopping = false;
    let signalStop = () => {};
    const stopped = new Promise<void>((resolve) => {
      signalStop = resolve;
    });

    async function notify(entry: DeadLetter): Promise<void> {
      try {
        await consume.onDeadLetter?.(entry);
      } catch (e) {
        log.error({ err: e, kind: entry.kind }, "onDeadLetter failed; the entry is in the dead-letter stream");
      }
    }

    async function deadLetterAndTerm(m: JsMsg, entry: DeadLetter): Promise<void> {
      const seq = m.info.streamSequence;
      let duplicate: boolean;
      try {
        duplicate = await publishDeadLetter(l.js, entry, seq);
      } catch (e) {
        // Not stored in the DLQ, so keep the job; after its last delivery the advisory path moves it.
        log.error({ err: e, seq, kind: entry.kind }, "could not write the dead-letter entry; job left in the queue");
        const delay = retryDelayMs(o.backoffSeconds, m.info.deliveryCount);
        m.nak(delay > 0 ? delay : undefined);
        return;
      }
      m.term();
      log.warn({ seq, kind: entry.kind, reason: entry.reason, deliveries: entry.deliveries }, "job dead-lettered");
      if (!duplicate) await notify(entry);
    }

    async function handle(m: JsMsg): Promise<void> {
      const deliveryCount = m.info.deliveryCount;
      const text = m.string();
      const parsed = parseJob(text);
      if (!parsed.ok) {
        await deadLetterAndTerm(m, deadLetter("invalid_payload", parsed.reason, deliveryCount, parsed.raw));
        return;
      }
      const beat = setInterval(() => m.working(), beatMs);
      let failed = false;
      let error: unknown;
      try {
        await consume.handler(parsed.job, {
          deliveryCount,
          isLastDelivery: deliveryCount >= o.maxDeliver,
          heartbeat: () => m.working(),
        });
      } catch (e) {
        failed = true;
        error = e;
      } finally {
        clearInterval(beat);
      }
      if (!failed) {
        const confirmed = await m.ackAck().catch(() => false);
        if (!confirmed) log.warn({ seq: m.info.streamSequence }, "ack not confirmed; the job may be delivered again");
        return;
      }
      const outcome = failureOutcome({ error, deliveryCount, maxDeliver: o.maxDeliver, backoffSeconds: o.backoffSeconds });
      if (outcome.action === "retry") {
        log.warn({ err: error, seq: m.info.streamSequence, deliveryCount, delayMs: outcome.delayMs }, "job failed; will retry");
        m.nak(outcome.delayMs > 0 ? outcome.delayMs : undefined);
        return;
      }
      await deadLetterAndTerm(m, deadLetter(outcome.kind, outcome.reason, deliveryCount, parsed.job));
    }

    function start(m: JsMsg): void {
      const running: Promise<void> = handle(m)
        .catch((e) => log.error({ err: e, seq: m.info.streamSequence }, "job handling failed unexpectedly"))
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    }

    async function pull(
      consumer: NatsConsumer,
      stream: string,
      maxMessages: number,
      each: (m: JsMsg) => Promise<void> | void,
    ): Promise<void> {
      let batch: ConsumerMessages | undefined;
      try {
        batch = await consumer.fetch({ max_messages: maxMessages, expires: FETCH_EXPIRES_MS });
        fetches.add(batch);
        for await (const m of batch) await each(m);
      } catch (e) {
        if (stopping) return;
        log.warn({ err: e, stream }, "fetch from JetStream failed; retrying");
        await Promise.race([sleep(RETRY_LOOP_AFTER_MS), stopped]);
      } finally {
        if (batch) fetches.delete(batch);
      }
    }

    async function workLoop(): Promise<void> {
      while (!stopping) {
        const free = consume.concurrency - inFlight.size;
        if (free <= 0) {
          await Promise.race([...inFlight, stopped]);
          continue;
        }
        await pull(work, o.stream, Math.min(consume.fetchBatch, free), start);
      }
    }

    async function moveDead(a: JsMsg): Promise<void> {
      const advisory = advisorySchema.safeParse(rawJob(a.string()));
      if (!advisory.success) {
        log.warn({ subject: a.subject }, "ignoring an unreadable max-deliveries advisory");
        a.term();
        return;
      }
      const { stream_seq: seq, deliveries } = advisory.data;
      try {
        const stored = await l.jsm.streams.getMessage(o.stream, { seq });
        if (stored) {
          const entry = deadLetter(
            "max_deliveries",
            `not acknowledged after ${deliveries} deliveries (the worker stopped or timed out)`,
            deliveries,
            rawJob(stored.string()),
          );
          const duplicate = await publishDeadLetter(l.js, entry, seq);
          await l.jsm.streams.deleteMessage(o.stream, seq, false);
          log.warn({ seq, deliveries }, "unacknowledged job dead-lettered");
          if (!duplicate) await notify(entry);
        }
        a.ack();
      } catch (e) {
        log.error({ err: e, seq }, "could not move an exhausted job to the dead-letter stream; will retry");
        a.nak(RETRY_LOOP_AFTER_MS);
      }
    }

    async function advisoryLoop(): Promise<void> {
      while (!stopping) await pull(advisories, advisoryStreamName(o.stream, o.durable), 10, moveDead);
    }

    const loops = Promise.all([workLoop(), advisoryLoop()]);

    return {
      inFlight: () => inFlight.size,
      async stop(deadlineMs) {
        stopping = true;
        signalStop();
        const drained = (async () => {
          await loops;
          while (inFlight.size > 0) await Promise.all([...inFlight]);
        })();
        let timer: NodeJS.Timeout | undefined;
        const late = await Promise.race([
          drained.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), deadlineMs);
          }),
        ]);
        clearTimeout(timer);
        if (late) {
          for (const f of fetches) f.stop();
          log.warn({ inFlight: inFlight.size, deadlineMs }, "stopped consuming before in-flight jobs finished");
        }
      },
    };
  }

  async function linkOrUnavailable(what: string): Promise<Link> {
    try {
      return await withTimeout(apiTimeoutMs, what, link);
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      throw new ServiceError("unavailable", `${what}: NATS JetStream is unavailable: ${errorMessage(e)}`, { cause: e });
    }
  }

  return {
    kind: "jetstream",

    async publish(job: Job, msgId: string) {
      const deadline = Date.now() + publishTimeoutMs;
      const body = JSON.stringify(job);
      let attempts = 0;
      try {
        return await withTimeout(publishTimeoutMs, "publish", async () => {
          // While a cluster elects a new stream leader, publishes fail for a few seconds; the same
          // message id makes a retry of an already-stored publish a duplicate, not a second job.
          for (;;) {
            attempts++;
            try {
              const { js } = await link();
              const ack = await js.publish(o.subject, body, { msgID: msgId, timeout: Math.max(250, deadline - Date.now()) });
              if (attempts > 1) log.info({ attempts, msgId }, "published after a retry");
              return { duplicate: ack.duplicate };
            } catch (e) {
              if (e instanceof ServiceError || isRefusedByStream(e) || closed || Date.now() + PUBLISH_RETRY_MS >= deadline) throw e;
              await sleep(PUBLISH_RETRY_MS);
            }
          }
        });
      } catch (e) {
        if (e instanceof ServiceError) throw e;
        throw new ServiceError("unavailable", `could not queue the job (${attempts} attempts): ${errorMessage(e)}`, { cause: e });
      }
    },

    async consume(consume) {
      assertConsumeOptions(consume);
      const l = await linkOrUnavailable("consume");
      return registeredConsumer(runners, await startRunner(l, consume));
    },

    async isReady() {
      let l: Link;
      try {
        l = await withTimeout(publishTimeoutMs, "readiness", link);
      } catch {
        return false;
      }
      let info: Awaited<ReturnType<JetStreamManager["streams"]["info"]>>;
      try {
        info = await withTimeout(publishTimeoutMs, "stream info", () => l.jsm.streams.info(o.stream));
      } catch (e) {
        // Connected to a member that cannot answer for the stream: the cluster has no leader for it.
        if (connected) throw new Error(`no JetStream quorum or leader for stream ${o.stream} (lost members, or still starting): ${errorMessage(e)}`);
        return false;
      }
      if (info.cluster && !info.cluster.leader) throw new Error(`no JetStream quorum: stream ${o.stream} has no leader`);
      return true;
    },

    async stats(): Promise<QueueStats> {
      const { jsm } = await linkOrUnavailable("stats");
      const [consumer, dlq] = await Promise.all([jsm.consumers.info(o.stream, o.durable), jsm.streams.info(o.dlqStream)]);
      return { pending: consumer.num_pending + consumer.num_ack_pending, deadLetters: dlq.state.messages };
    },

    async listDeadLetters(limit) {
      const { jsm } = await linkOrUnavailable("listDeadLetters");
      const { state } = await jsm.streams.info(o.dlqStream);
      const entries: DeadLetter[] = [];
      for (let seq = state.last_seq; seq >= state.first_seq && seq > 0 && entries.length < limit; seq--) {
        const stored = await jsm.streams.getMessage(o.dlqStream, { seq });
        if (stored) entries.push({ ...stored.json<DeadLetter>(), id: String(seq) });
      }
      return entries.reverse();
    },

    async removeDeadLetter(id) {
      const seq = Number(id);
      if (!Number.isInteger(seq) || seq < 1) throw new ServiceError("invalid_input", `not a dead-letter id: ${id}`);
      const { jsm } = await linkOrUnavailable("removeDeadLetter");
      // getMessage answers null for a missing sequence; deleteMessage would throw a server-version-specific error.
      if (await jsm.streams.getMessage(o.dlqStream, { seq })) await jsm.streams.deleteMessage(o.dlqStream, seq);
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...runners].map((r) => r.stop(0)));
      runners.clear();
      const l = await linking?.catch(() => undefined);
      if (l && !l.nc.isClosed()) await l.nc.drain();
    },
  };
}
