import type { Server } from "node:http";
import { EnvError, loadEnv, type Env } from "@/lib/env";
import { createRuntime } from "@/lib/runtime";
import { startWorker } from "@/lib/jobs/start-worker";
import { serveWorkerHealth } from "@/lib/jobs/serve-worker-health";
import type { Consumer } from "@/lib/queue/types";

/** The worker process: consumes alert jobs, investigates, writes reports, indexes cases; drains on SIGTERM. */
export async function runWorker(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const runtime = await createRuntime({ env, name: "worker" });
  if (runtime.queue.kind === "memory") {
    runtime.log.warn("NATS_URL is not set: this worker has an in-process queue that nothing else publishes to. Use `npm start` for embedded mode.");
  }
  // Signals are handled from here on: a SIGTERM that lands while the consumer is still starting
  // (the probes may already answer) must still end in a drain and exit 0, not a kill by signal.
  let server: Server | undefined;
  const consumerStarted = startWorkerAfterHealth();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const consumer = await consumerStarted.catch(() => undefined);
    runtime.log.info({ signal, inFlight: consumer?.inFlight() ?? 0 }, "stopping: no new jobs, finishing in-flight work");
    await consumer?.stop(env.WORKER_DRAIN_SECONDS * 1000);
    server?.close();
    await runtime.close();
    runtime.log.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  await consumerStarted.catch((e: unknown) => {
    if (!stopping) throw e;
  });

  async function startWorkerAfterHealth(): Promise<Consumer> {
    // Health first, so a worker stuck on a dependency still answers probes and metrics.
    server = await serveWorkerHealth(runtime, env.WORKER_PORT);
    const consumer = await startWorker(runtime);
    runtime.log.info({ port: env.WORKER_PORT }, "worker health endpoints listening");
    return consumer;
  }
}
