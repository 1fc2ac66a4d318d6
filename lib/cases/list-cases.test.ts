import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { cases } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { createFsStore } from "@/lib/storage/fs";
import { caseFacets } from "./case-facets";
import { dashboardStats } from "./dashboard-stats";
import { getRunReport } from "./get-run-report";
import { listCases, listCasesQuerySchema } from "./list-cases";
import { parseCaseSearch } from "./parse-case-search";
import { recordFeedback } from "./record-feedback";
import { resolveCase } from "./resolve-case";
import { snoozeCase } from "./snooze-case";
import { seedCase, testActor } from "@/test/helpers/cases";

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-cases-"));
});
afterAll(async () => {
  await t?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const viewer = testActor("viewer");
const responder = testActor("responder");
const q = (raw: Record<string, string>) => listCasesQuerySchema.parse(raw);

async function errorOf(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ServiceError) return e;
    throw e;
  }
  throw new Error("expected a ServiceError");
}

describe("parseCaseSearch", () => {
  it("splits key:value tokens from free words and phrases", () => {
    expect(parseCaseSearch('ns:payments pod:api-7d svc:"checkout api" alert:KubePod oom "out of memory" unknown:x')).toEqual({
      terms: { namespace: "payments", pod: "api-7d", service: "checkout api", alertname: "KubePod" },
      words: ["oom", "out of memory", "unknown:x"],
    });
  });
});

describe("listCases", () => {
  it("filters by status, classification, family and namespace, newest first", async () => {
    const ns = `ns-${randomBytes(3).toString("hex")}`;
    const a = await seedCase(t.db, { namespace: ns, family: "crashloop", classification: "actionable" });
    const b = await seedCase(t.db, { namespace: ns, family: "http_5xx", classification: "noisy", lastSeenAt: new Date(Date.now() - 60_000) });
    const c = await seedCase(t.db, { namespace: ns, family: "crashloop", classification: "informational" });
    await resolveCase({ ctx: { db: t.db, actor: responder }, input: { caseId: c.case.id, category: "fixed", summary: "ok" } });
    const now = new Date();
    await snoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: b.case.id, snooze: { minutes: 30 } } });
    const ctx = { db: t.db, actor: viewer, now };
    const all = await listCases({ ctx, input: q({ namespace: ns }) });
    expect(all.items.map((i) => i.id)).toEqual([c.case.id, a.case.id, b.case.id]);
    expect((await listCases({ ctx, input: q({ namespace: ns, status: "open" }) })).items.map((i) => i.id)).toEqual([a.case.id]);
    expect((await listCases({ ctx, input: q({ namespace: ns, status: "snoozed" }) })).items.map((i) => i.status)).toEqual(["snoozed"]);
    expect((await listCases({ ctx, input: q({ namespace: ns, status: "open,resolved" }) })).items).toHaveLength(2);
    expect((await listCases({ ctx, input: q({ namespace: ns, classification: "noisy" }) })).items.map((i) => i.id)).toEqual([b.case.id]);
    expect((await listCases({ ctx, input: q({ namespace: ns, family: "crashloop", sort: "last_seen_asc" }) })).items.map((i) => i.id)).toEqual([
      a.case.id,
      c.case.id,
    ]);
  });

  it("searches with ns:/pod:/svc:/alert: tokens and free text (whole words and fragments)", async () => {
    const ns = `team-${randomBytes(3).toString("hex")}`;
    const x = await seedCase(t.db, { namespace: ns, service: "ledger", alertname: "Http5xxRateHigh", title: "Ledger answers 5xx", oneLiner: "upstream timeout to postgres" });
    const y = await seedCase(t.db, { namespace: ns, service: "gateway", alertname: "KubePodCrashLooping" });
    const ctx = { db: t.db, actor: viewer, now: new Date() };
    const ids = async (query: string) => (await listCases({ ctx, input: q({ q: query }) })).items.map((i) => i.id);
    expect(await ids(`ns:${ns} svc:ledger`)).toEqual([x.case.id]);
    expect(await ids(`ns:${ns} alert:crashloop`)).toEqual([y.case.id]);
    expect(await ids(`ns:${ns} postgres`)).toEqual([x.case.id]);
    expect(await ids(`ns:${ns} ostgre`)).toEqual([x.case.id]);
    expect(await ids(`pod:${y.case.targetName}`)).toEqual([y.case.id]);
    expect(await ids(`ns:${ns} 100%_match`)).toEqual([]);
  });

  it("pages with a keyset cursor without gaps or repeats, even for equal timestamps", async () => {
    const team = `pager-${randomBytes(3).toString("hex")}`;
    const seen = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await seedCase(t.db, { team, lastSeenAt: i < 4 ? seen : new Date(seen.getTime() - i * 1000) })).case.id);
    await t.db.execute(sql`update ${cases} set last_seen_at = last_seen_at + interval '1 microsecond' where ${cases.id} = ${ids[0]}`);
    const ctx = { db: t.db, actor: viewer, now: new Date() };
    const got: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await listCases({ ctx, input: q({ team, limit: "3", ...(cursor ? { cursor } : {}) }) });
      got.push(...res.items.map((i) => i.id));
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    expect(got).toHaveLength(7);
    expect(new Set(got)).toEqual(new Set(ids));
    expect(got[0]).toBe(ids[0]);
  });

  it("rejects bad queries and cursors with clear errors", async () => {
    expect(listCasesQuerySchema.safeParse({ status: "closed" }).success).toBe(false);
    expect(listCasesQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(listCasesQuerySchema.safeParse({ since: "yesterday" }).success).toBe(false);
    const e = await errorOf(listCases({ ctx: { db: t.db, actor: viewer, now: new Date() }, input: q({ cursor: "garbage" }) }));
    expect(e.code).toBe("invalid_input");
    expect(e.message).toMatch(/cursor/);
    // Crafted: JavaScript parses these dates, PostgreSQL does not (or not as a timestamptz).
    for (const at of ["275760-09-13", "March 7", "2026-02-30 10:00:00+00", "2026-12-04T10:00:00Z'; select 1 --", "1e999"]) {
      const cursor = Buffer.from(`${at}|${randomUUID()}`, "utf8").toString("base64url");
      const crafted = await errorOf(listCases({ ctx: { db: t.db, actor: viewer, now: new Date() }, input: q({ cursor }) }));
      expect(crafted.code, at).toBe("invalid_input");
    }
  });
});

describe("facets, dashboard and reports", () => {
  it("counts facet values over the filtered cases", async () => {
    const cluster = `cl-${randomBytes(3).toString("hex")}`;
    await seedCase(t.db, { cluster, family: "crashloop", severity: "critical" });
    await seedCase(t.db, { cluster, family: "crashloop", severity: "warning" });
    await seedCase(t.db, { cluster, family: "latency", severity: "warning" });
    const f = await caseFacets({ ctx: { db: t.db, actor: viewer, now: new Date() }, input: q({ cluster }) });
    expect(f.family).toEqual([
      { value: "crashloop", count: 2 },
      { value: "latency", count: 1 },
    ]);
    expect(f.severity).toEqual([
      { value: "warning", count: 2 },
      { value: "critical", count: 1 },
    ]);
    expect(f.status).toEqual([{ value: "open", count: 3 }]);
    expect(f.cluster).toEqual([{ value: cluster, count: 3 }]);
  });

  it("summarises workload, runs per day and feedback on the dashboard", async () => {
    const { case: c } = await seedCase(t.db, { runCount: 9 }, { reportKey: null });
    await recordFeedback({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, verdict: "correct", note: "" } });
    const d = await dashboardStats({ ctx: { db: t.db, actor: viewer, now: new Date() } });
    expect(d.cases.open).toBeGreaterThanOrEqual(1);
    expect(d.runsPerDay.at(-1)?.day).toBe(new Date().toISOString().slice(0, 10));
    expect(d.runsPerDay.at(-1)?.runs).toBeGreaterThanOrEqual(1);
    expect(d.feedback.correct).toBeGreaterThanOrEqual(1);
    expect(d.noisiest.map((n) => n.id)).toContain(c.id);
    expect(d.openByFamily.find((f) => f.value === "crashloop")?.count).toBeGreaterThanOrEqual(1);
  });

  it("reads a run's report as JSON or Markdown from storage, and says what is missing", async () => {
    const store = createFsStore({ root: dir });
    const key = `2026-11-23/pod-${randomBytes(3).toString("hex")}-crashloop-20261123t10`;
    await store.put(`${key}.json`, JSON.stringify({ schemaVersion: 1, family: "crashloop" }), "application/json");
    await store.put(`${key}.md`, "# Report\n", "text/markdown");
    const { runId } = await seedCase(t.db, {}, { reportKey: key });
    const ctx = { db: t.db, store, actor: viewer };
    const json = await getRunReport({ ctx, input: { runId: runId!, format: "json" } });
    expect(json).toMatchObject({ format: "json", report: { family: "crashloop" } });
    const md = await getRunReport({ ctx, input: { runId: runId!, format: "md" } });
    expect(md).toMatchObject({ format: "md", markdown: "# Report\n", filename: `${key.split("/")[1]}.md` });
    const none = await seedCase(t.db, {}, { reportKey: null });
    expect((await errorOf(getRunReport({ ctx, input: { runId: none.runId!, format: "json" } }))).message).toMatch(/has no report/);
    const gone = await seedCase(t.db, {}, { reportKey: `${key}-gone` });
    expect((await errorOf(getRunReport({ ctx, input: { runId: gone.runId!, format: "md" } }))).message).toMatch(/missing from storage/);
    expect((await errorOf(getRunReport({ ctx, input: { runId: "x", format: "json" } }))).code).toBe("not_found");
    expect((await errorOf(getRunReport({ ctx: { ...ctx, actor: null as never }, input: { runId: runId!, format: "json" } }))).code).toBe("unauthorized");
  });
});
