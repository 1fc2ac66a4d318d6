import { describe, expect, it } from "vitest";
import type { receivedAlerts } from "@/lib/db/schema";
import { alertOfReceipt } from "./alert-of-receipt";

function receipt(source: string): typeof receivedAlerts.$inferSelect {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    source,
    fingerprint: "fp-1",
    status: "firing" as const,
    alertname: "KubePodCrashLooping",
    labels: { namespace: "shop", pod: "api-1" },
    annotations: { summary: "crash looping" },
    startsAt: new Date("2026-12-04T10:00:00.000Z"),
    endsAt: null,
    receivedAt: new Date("2026-12-04T10:00:05.000Z"),
    disposition: "queued",
    dispositionReason: null,
    caseId: null,
    runId: null,
    updatedAt: new Date("2026-12-04T10:00:05.000Z"),
  };
}

describe("alertOfReceipt", () => {
  it("keeps the source of an alert that came through a configured source, so a requeued job still records it", () => {
    expect(alertOfReceipt(receipt("pagerduty")).source).toBe("pagerduty");
  });

  it("leaves source absent for Alertmanager, as intake does, and never carries a rule expression", () => {
    const alert = alertOfReceipt(receipt("alertmanager"));
    expect(alert).not.toHaveProperty("source");
    expect(alert.generatorURL).toBeNull();
    expect(alert.startsAt).toBe("2026-12-04T10:00:00.000Z");
  });
});
