import { describeDbError } from "@/lib/db/describe-db-error";
import type { Runtime } from "@/lib/runtime";
import type { Consumer } from "@/lib/queue/types";
import { withTraceparent } from "@/lib/tracing/spans";
import { startDeliveryLoop } from "@/lib/delivery/deliver-notifications";
import { deliveryContext } from "@/lib/delivery/delivery-context";
import { processAlertJob } from "./process-alert-job";
import { processRerunJob } from "./process-rerun-job";
import { recordDeadLetter } from "./record-dead-letter";

/**
 * Start consuming alert jobs with the runtime's queue, and delivering the notification outbox; the
 * same loops run in `npm run worker` and embedded mode. Stopping stops both.
 */
export async function startWorker(runtime: Runtime): Promise<Consumer> {
  const { env, log, metrics } = runtime;
  const ctx = {
    db: runtime.database.db,
    store: runtime.store,
    providers: runtime.providers,
    log,
    metrics,
    config: {
      s3Prefix: env.S3_PREFIX,
      clusterName: env.CLUSTER_NAME,
      claimLeaseMs: env.CLAIM_LEASE_SECONDS * 1000,
      scrapers: env.SCRAPER_JOBS,
    },
    llm: runtime.chatModel ? { chatModel: runtime.chatModel, timeoutMs: env.LLM_ENRICHMENT_TIMEOUT_MS } : null,
    outbound: runtime.outbound,
  };
  const consumer = await runtime.queue.consume({
    concurrency: env.WORKER_CONCURRENCY,
    fetchBatch: env.WORKER_FETCH_BATCH,
    handler: (job, delivery) =>
      withTraceparent(job.traceparent, async () => {
        metrics.jobsInFlight.inc();
        try {
          if (job.kind === "rerun") await processRerunJob({ ctx, input: { job, delivery } });
          else await processAlertJob({ ctx, input: { job, delivery } });
        } catch (e) {
          log.warn(
            {
              err: describeDbError(e),
              ...(job.kind === "rerun" ? { rerunId: job.rerunId, caseId: job.caseId } : { fingerprint: job.alert.fingerprint, receiptId: job.receiptId }),
              delivery: delivery.deliveryCount,
              last: delivery.isLastDelivery,
            },
            "alert job failed",
          );
          throw e;
        } finally {
          metrics.jobsInFlight.dec();
        }
      }),
    onDeadLetter: async (entry) => {
      metrics.deadLetters.inc({ kind: entry.kind });
      log.error({ kind: entry.kind, reason: entry.reason, deliveries: entry.deliveries }, "job dead-lettered");
      await recordDeadLetter({ ctx: { db: runtime.database.db }, input: entry });
    },
  });
  const delivery = startDeliveryLoop(deliveryContext(runtime), env.NOTIFICATIONS_POLL_MS);
  log.info({ concurrency: env.WORKER_CONCURRENCY, queue: runtime.queue.kind }, "worker consuming");
  return {
    inFlight: () => consumer.inFlight(),
    async stop(deadlineMs) {
      await Promise.all([consumer.stop(deadlineMs), delivery.stop()]);
    },
  };
}
