import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpStatus } from "@/lib/errors";
import { createLogger } from "@/lib/log";
import { createMemoryQueue } from "@/lib/queue/memory";
import type { JobQueue } from "@/lib/queue/types";
import { readJsonBody } from "@/lib/http/read-json-body";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { ingestAlerts } from "./ingest-alerts";
import { parseWebhook } from "@/lib/alerts/parse-webhook";

const log = createLogger({ level: "silent" });
let db: TestDatabase;
let queue: JobQueue;
beforeAll(async () => {
  db = await createTestDatabase();
  queue = createMemoryQueue({ maxDeliver: 1, backoffSeconds: [1], log });
});
afterAll(async () => {
  await queue?.close();
  await db?.drop();
});

/** What `/alerts` answers for a body: the route's read and parse, then the ingest verb (real PostgreSQL). */
async function answer(body: unknown): Promise<number> {
  try {
    const request = new Request("http://tarka.test/alerts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body) ?? "",
    });
    const payload = await parseWebhook(await readJsonBody(request, 1024 * 1024), { maxAlerts: 1_000 });
    await ingestAlerts({ ctx: { db: db.db, queue, log, config: { allowlist: [], timeWindow: "1h" } }, input: { payload } });
    return 202;
  } catch (e) {
    return httpStatus(e);
  }
}

/** Payloads of the webhook's shape with strings from `text` and timestamps from `timestamp`. */
function webhooks(text: fc.Arbitrary<string>, timestamp: fc.Arbitrary<string>) {
  const labels = fc.dictionary(text, text, { maxKeys: 6 });
  const alert = fc.record(
    {
      status: fc.oneof(fc.constantFrom("firing", "resolved"), text),
      labels: fc.oneof(labels, fc.record({ alertname: text }).chain((l) => labels.map((rest) => ({ ...rest, ...l })))),
      annotations: labels,
      startsAt: timestamp,
      endsAt: timestamp,
      generatorURL: text,
      fingerprint: text,
    },
    { requiredKeys: ["labels"] },
  );
  return fc.record(
    {
      version: text,
      groupKey: text,
      status: fc.constantFrom("firing", "resolved"),
      receiver: text,
      commonLabels: labels,
      externalURL: text,
      alerts: fc.array(alert, { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: ["alerts"] },
  );
}

/** Runs the property and checks it saw each status in `expectSeen` (so it tested something). */
async function neverServerError(bodies: fc.Arbitrary<unknown>, expectSeen: number[]): Promise<void> {
  const seen = new Set<number>();
  await fc.assert(
    fc.asyncProperty(bodies, async (body) => {
      const status = await answer(body);
      seen.add(status);
      expect(status).toBeLessThan(500);
    }),
    { numRuns: 300 },
  );
  for (const status of expectSeen) expect(seen).toContain(status);
}

const printable = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", "${jndi:x}", "'; drop table cases; --", "../..", "{{ .Labels }}", "é".repeat(300)),
);
const plausibleTime = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date("1970-01-01"), max: new Date("2100-01-01") }).map((d) => d.toISOString()),
  fc.constantFrom("0001-01-01T00:00:00Z", "not a date", "2026-13-45T99:99:99Z", ""),
);

// Any code point (NUL and lone surrogates included), times PostgreSQL cannot store, oversized values.
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\u0000", "\ud800", "a\udfffb", "x".repeat(5_000)),
);
const hostileTime = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom("99999-01-01T00:00:00Z", "-000001-01-01T00:00:00Z", "+275760-09-13T00:00:00Z"),
  hostile,
);

describe("/alerts payload fuzzing (read, schema, normalisation and ingest on real PostgreSQL)", () => {
  it("never answers 5xx for arbitrary JSON or webhook-shaped payloads while the database and queue are up", async () => {
    await neverServerError(fc.oneof(webhooks(printable, plausibleTime), fc.anything()), [202, 400]);
  }, 120_000);

  it("never answers 5xx for NUL bytes, lone surrogates, out-of-range times or oversized values", async () => {
    await neverServerError(webhooks(fc.oneof(printable, hostile), fc.oneof(plausibleTime, hostileTime)), [400]);
  }, 120_000);
});
