import type { Runtime } from "@/lib/runtime";
import type { IngestContext } from "./ingest-alerts";

/** The intake context of a web runtime, shared by /alerts and the alert sources. */
export function intakeContext(rt: Runtime): IngestContext {
  return {
    db: rt.database.db,
    queue: rt.queue,
    log: rt.log,
    metrics: rt.metrics,
    snoozeCache: rt.snoozeCache,
    ledger: rt.receiptLedger,
    outbound: rt.outbound,
    config: { allowlist: rt.env.ALERTNAME_ALLOWLIST, timeWindow: rt.env.TIME_WINDOW, clusterName: rt.env.CLUSTER_NAME, scrapers: rt.env.SCRAPER_JOBS },
  };
}
