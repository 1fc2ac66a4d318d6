import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { parseWebhook } from "./parse-webhook";

const sample = JSON.parse(fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8")) as { alerts: Array<Record<string, unknown>> };
const alert = sample.alerts[0] as { labels: Record<string, string>; annotations: Record<string, string> };

function payloadWith(bad: Record<string, unknown>, at = 2) {
  const alerts = [0, 1, 2].map((i) => ({ ...alert, labels: { ...alert.labels, pod: `p-${i}` } }));
  alerts[at] = { ...alerts[at], ...bad } as (typeof alerts)[number];
  return { ...sample, alerts };
}

async function failure(body: unknown, maxAlerts = 1000): Promise<ServiceError> {
  const e = await parseWebhook(body, { maxAlerts }).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ServiceError);
  return e as ServiceError;
}

describe("parseWebhook", () => {
  it("accepts Alertmanager's own payload", async () => {
    const parsed = await parseWebhook(sample, { maxAlerts: 10 });
    expect(parsed.alerts).toHaveLength(sample.alerts.length);
  });

  it.each([
    ["a NUL byte in a label value", { labels: { ...alert.labels, pod: "api\u0000x" } }, "alerts.2.labels.pod", "NUL"],
    ["a lone surrogate in an annotation", { annotations: { summary: "bad \ud800 text" } }, "alerts.2.annotations.summary", "surrogate"],
    ["startsAt after the year 9999", { startsAt: "+010000-01-01T00:00:00Z" }, "alerts.2.startsAt", "9999"],
    ["startsAt before the year 1", { startsAt: "-000001-01-01T00:00:00Z" }, "alerts.2.startsAt", "9999"],
    ["an unreadable endsAt", { endsAt: "yesterday" }, "alerts.2.endsAt", "RFC 3339"],
    ["a label value over 800 bytes", { labels: { ...alert.labels, pod: "é".repeat(401) } }, "alerts.2.labels.pod", "800 bytes"],
    ["a label name over 256 bytes", { labels: { ...alert.labels, ["k".repeat(257)]: "v" } }, `alerts.2.labels.${"k".repeat(257)}`, "256 bytes"],
  ])("sets aside an alert with %s, naming the alert and field; a payload with no valid alert is invalid_input", async (_what, bad, path, words) => {
    const parsed = await parseWebhook(payloadWith(bad), { maxAlerts: 1000 });
    expect(parsed.alerts.map((a) => a.labels.pod)).toEqual(["p-0", "p-1"]);
    expect(parsed.refused.map((r) => r.index)).toEqual([2]);
    expect(parsed.refused[0].reason).toContain(`${path}: `);
    expect(parsed.refused[0].reason).toContain(words);
    // What the ledger keeps of it is storable and bounded.
    for (const [name, value] of Object.entries(parsed.refused[0].alert.labels)) {
      expect(`${name}${value}`).not.toMatch(/\0|[\uD800-\uDFFF]/);
      expect(Buffer.byteLength(value)).toBeLessThanOrEqual(800);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(256);
    }

    const alone = path.replace("alerts.2", "alerts.0");
    const e = await failure({ ...sample, alerts: [payloadWith(bad).alerts[2]] });
    expect(e.code).toBe("invalid_input");
    expect(e.message).toContain(alone);
    expect(e.message).toContain(words);
    expect(e.details).toMatchObject({ issues: [expect.objectContaining({ path: alone })] });
  });

  it("refuses more alerts than the cap before validating any, with payload_too_large", async () => {
    const alerts = Array.from({ length: 11 }, () => ({ nonsense: true }));
    const e = await failure({ ...sample, alerts }, 10);
    expect(e.code).toBe("payload_too_large");
    expect(e.message).toContain("WEBHOOK_MAX_ALERTS=10");
  });

  it("lets the event loop run while it validates a large payload", async () => {
    const alerts = Array.from({ length: 1_000 }, (_, i) => ({ ...alert, labels: { ...alert.labels, pod: `p-${i}` } }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const immediate = new Promise<number>((resolve) => setImmediate(() => resolve(ticks)));
    let done = false;
    const parsing = parseWebhook({ ...sample, alerts }, { maxAlerts: 1_000 }).then((p) => {
      done = true;
      return p;
    });
    await immediate;
    expect(done).toBe(false);
    expect((await parsing).alerts).toHaveLength(1_000);
    clearInterval(timer);
  });
});
