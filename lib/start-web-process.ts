import { EnvError, env } from "@/lib/env";
import { startEmbeddedWorker } from "@/lib/jobs/start-embedded-worker";

/** Web start-up: a wrong configuration stops the process with the message; embedded mode starts its worker. */
export async function startWebProcess(): Promise<void> {
  try {
    env();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  await startEmbeddedWorker();
}
