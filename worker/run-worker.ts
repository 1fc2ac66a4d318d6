import { EnvError, loadEnv } from "@/lib/env";
import { createRuntime } from "@/lib/runtime";
import { startWorker } from "@/lib/jobs/start-worker";
import { serveWorkerHealth } from "@/lib/jobs/serve-worker-health";

/** The worker process: consumes alert jobs, investigates, writes reports, indexes cases; drains on SIGTERM. */
export async function runWorker(): Promise<void> {
  let env;
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
  const server = await serveWorkerHealth(runtime, env.WORKER_PORT);
  const consumer = await startWorker(runtime);
  runtime.log.info({ port: env.WORKER_PORT }, "worker health endpoints listening");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.log.info({ signal, inFlight: consumer.inFlight() }, "stopping: no new jobs, finishing in-flight work");
    await consumer.stop(env.WORKER_DRAIN_SECONDS * 1000);
    server.close();
    await runtime.close();
    runtime.log.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
