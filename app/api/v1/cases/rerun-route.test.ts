import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseReruns, receivedAlerts } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { postExampleAlert } from "@/test/helpers/example-case";
import { eventually } from "@/test/helpers/nats";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

type Rerun = { id: string; status: string; windowMinutes: number; requestedBy: string; runId: string | null };

describe("POST /api/v1/cases/:id/rerun on the production build (PostgreSQL, embedded worker and queue)", () => {
  let server: WebServer;
  let db: TestDatabase;
  let dataDir: string;
  let caseId: string;
  let csrf: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-rerun-route-"));
    db = await createTestDatabase();
    server = await startWebServer({ DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: "warn" });
    ({ caseId } = await postExampleAlert(server.url));
    csrf = ((await (await fetch(`${server.url}/api/v1/me`)).json()) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const rerun = (body: unknown, headers: Record<string, string> = { "x-tarka-csrf": csrf }) =>
    fetch(`${server.url}/api/v1/cases/${caseId}/rerun`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const reruns = async () => ((await (await fetch(`${server.url}/api/v1/cases/${caseId}/reruns`)).json()) as { items: Rerun[] }).items;

  it("queues a re-run that adds a run with the window to the same case; a re-sent alert is still deduplicated", async () => {
    const asked = await rerun({ windowMinutes: 120 });
    expect(asked.status).toBe(202);
    const body = (await asked.json()) as Rerun;
    expect(body).toMatchObject({ status: "queued", windowMinutes: 120, requestedBy: "anonymous", runId: null });
    const done = await eventually(async () => (await reruns()).find((r) => r.id === body.id && r.status === "succeeded"), 30_000, "the re-run to succeed");

    const detail = await (await fetch(`${server.url}/api/v1/cases/${caseId}`)).json();
    expect(detail.runCount).toBe(2);
    expect(detail.latestRunId).toBe(done.runId);
    expect(detail.runs[0]).toMatchObject({ id: done.runId, trigger: "rerun", timeWindow: "2h", requestedBy: "anonymous" });
    expect(detail.runs[1]).toMatchObject({ trigger: "alert", timeWindow: "1h", requestedBy: null });
    expect(detail.audit[0]).toMatchObject({ action: "rerun", actor: "anonymous", after: { rerunId: body.id, windowMinutes: 120 } });
    const report = await (await fetch(`${server.url}/api/v1/runs/${done.runId}/report`)).json();
    expect(report.timeWindow.duration).toBe("2h");
    expect(Date.parse(report.timeWindow.end) - Date.parse(report.timeWindow.start)).toBe(2 * 3_600_000);

    // The alert notified again with a new start (so not dropped by the queue's duplicate window) reaches
    // the worker, whose dedupe claim still finds the alert's own run.
    const payload = JSON.parse(fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8"));
    const alert = payload.alerts[0];
    alert.startsAt = new Date(Date.parse(alert.startsAt) + 60_000).toISOString();
    const sent = await fetch(`${server.url}/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(sent.status).toBe(202);
    const receipts = await eventually(async () => {
      const rows = await db.db.select().from(receivedAlerts).where(eq(receivedAlerts.fingerprint, alert.fingerprint));
      return rows.length === 2 && rows.every((r) => r.disposition !== "queued") ? rows : undefined;
    }, 30_000, "the re-sent alert to be settled");
    expect(receipts.map((r) => [r.disposition, r.caseId]).sort()).toEqual([["investigated", caseId], ["skipped_duplicate", caseId]]);
    expect((await (await fetch(`${server.url}/api/v1/cases/${caseId}`)).json()).runCount).toBe(2);
  });

  it("refuses without CSRF (403), a viewer token (403), a bad window (400), a re-run in flight (409) and too many in an hour (429)", async () => {
    expect((await rerun({ windowMinutes: 60 }, {})).status).toBe(403);
    const token = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tarka-csrf": csrf },
      body: JSON.stringify({ name: `viewer-${Date.now()}`, role: "viewer" }),
    });
    const { secret } = (await token.json()) as { secret: string };
    const refused = await rerun({ windowMinutes: 60 }, { authorization: `Bearer ${secret}` });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(/^this needs the responder role/);
    const bad = await rerun({ windowMinutes: 3 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.issues[0]).toEqual({ path: "windowMinutes", message: "at least 5 minutes" });
    expect((await rerun({ windowMinutes: 60, extra: 1 })).status).toBe(400);
    expect((await fetch(`${server.url}/api/v1/cases/00000000-0000-4000-8000-000000000000/rerun`, { method: "POST", headers: { "content-type": "application/json", "x-tarka-csrf": csrf }, body: "{\"windowMinutes\":60}" })).status).toBe(404);

    const [stuck] = await db.db.insert(caseReruns).values({ caseId, windowMinutes: 30, status: "running", requestedBy: "someone" }).returning();
    const busy = await rerun({ windowMinutes: 60 });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ error: { code: "conflict", details: { rerun: { id: stuck.id, status: "running" } } } });

    await db.db.update(caseReruns).set({ status: "failed" }).where(eq(caseReruns.id, stuck.id));
    for (let i = 0; i < 4; i++) await db.db.insert(caseReruns).values({ caseId, windowMinutes: 30, status: "succeeded", requestedBy: "someone" });
    const limited = await rerun({ windowMinutes: 60 });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited", details: { retryAt: expect.any(String) } } });
  });
});
