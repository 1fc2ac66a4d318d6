import { EnvError, env } from "@/lib/env";
import { installPeerAddressStamp } from "@/lib/http/client-address";
import { webhookAuthPolicy } from "@/lib/http/webhook-auth-policy";
import { startEmbeddedWorker } from "@/lib/jobs/start-embedded-worker";
import { SourcesConfigError } from "@/lib/sources/config";
import { configuredSources } from "@/lib/sources/configured-sources";

/**
 * Web start-up: requests are stamped with their socket address (lib/http/client-address.ts); a wrong configuration (environment or HTTP_SOURCES_FILE), or an open webhook in production, stops the process with the
 * message; embedded mode starts its worker.
 */
export async function startWebProcess(): Promise<void> {
  installPeerAddressStamp();
  try {
    configuredSources(env());
    const policy = webhookAuthPolicy(env());
    if ("refuse" in policy) {
      console.error(`Refusing to start: ${policy.refuse}`);
      process.exit(2);
    }
    if ("warn" in policy) console.warn(`WARNING: ${policy.warn}`);
  } catch (e) {
    if (e instanceof EnvError || e instanceof SourcesConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  await startEmbeddedWorker();
}
