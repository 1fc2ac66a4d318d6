import { getWebRuntime } from "@/lib/web-runtime";
import { requeueStranded } from "./requeue-stranded";
import { startWorker } from "./start-worker";

/**
 * Embedded mode (no NATS_URL): the in-process queue only exists inside the web process, so the
 * worker loop runs here too. With JetStream configured, workers are separate processes.
 */
export async function startEmbeddedWorker(): Promise<void> {
  const runtime = await getWebRuntime();
  if (runtime.queue.kind !== "memory") return;
  const consumer = await startWorker(runtime);
  const requeued = await requeueStranded({
    ctx: { db: runtime.database.db, queue: runtime.queue },
    input: { timeWindow: runtime.env.TIME_WINDOW },
  });
  if (requeued > 0) runtime.log.warn({ requeued }, "queued again the alerts a previous run had accepted but not finished");
  runtime.log.warn(
    "embedded mode: in-process queue and PGlite under DATA_DIR; fine for trying Tarka, not for production (see README)",
  );
  process.once("SIGTERM", () => {
    void consumer.stop(runtime.env.WORKER_DRAIN_SECONDS * 1000).then(() => runtime.close()).finally(() => process.exit(0));
  });
}
