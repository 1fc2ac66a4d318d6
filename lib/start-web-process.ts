import { EnvError, env } from "@/lib/env";
import { webhookAuthPolicy } from "@/lib/http/webhook-auth-policy";
import { startEmbeddedWorker } from "@/lib/jobs/start-embedded-worker";

/**
 * Web start-up: a wrong configuration, or an open webhook in production, stops the process with the
 * message; embedded mode starts its worker.
 */
export async function startWebProcess(): Promise<void> {
  try {
    const policy = webhookAuthPolicy(env());
    if ("refuse" in policy) {
      console.error(`Refusing to start: ${policy.refuse}`);
      process.exit(2);
    }
    if ("warn" in policy) console.warn(`WARNING: ${policy.warn}`);
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  await startEmbeddedWorker();
}
