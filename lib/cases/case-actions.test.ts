import { eq } from "drizzle-orm";
import { cases } from "@/lib/db/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { ServiceError } from "@/lib/errors";
import { getCase } from "./get-case";
import { recordFeedback, feedbackInputSchema } from "./record-feedback";
import { reopenCase } from "./reopen-case";
import { resolveCase, resolveCaseInputSchema } from "./resolve-case";
import { snoozeCase, snoozeCaseInputSchema } from "./snooze-case";
import { unsnoozeCase } from "./unsnooze-case";
import { seedCase, testActor } from "@/test/helpers/cases";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const responder = testActor("responder", "rita");
const viewer = testActor("viewer", "victor");

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    if (e instanceof ServiceError) return e.code;
    throw e;
  }
}

describe("resolve, reopen, snooze, unsnooze, feedback", () => {
  it("resolves with category and summary, writes an audit row with before/after, and refuses a second resolve", async () => {
    const { case: c } = await seedCase(t.db);
    const after = await resolveCase({
      ctx: { db: t.db, actor: responder },
      input: { caseId: c.id, category: "fixed", summary: "raised the memory limit", postmortemUrl: "https://wiki.example/pm/1" },
    });
    expect(after.status).toBe("resolved");
    expect(after.resolution).toEqual({ by: "rita", category: "fixed", summary: "raised the memory limit", postmortemUrl: "https://wiki.example/pm/1" });
    const detail = await getCase({ ctx: { db: t.db, actor: viewer, now: new Date() }, input: { caseId: c.id } });
    expect(detail.status).toBe("resolved");
    expect(detail.source).toBe("alertmanager");
    expect(detail.audit).toHaveLength(1);
    expect(detail.audit[0]).toMatchObject({ actor: "rita", action: "resolve", before: { status: "open" }, after: { status: "resolved" } });
    expect(await codeOf(resolveCase({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, category: "fixed", summary: "again" } }))).toBe("conflict");
  });

  it("reopens a resolved case and clears the resolution; reopening an open case is a conflict", async () => {
    const { case: c } = await seedCase(t.db);
    await resolveCase({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, category: "false_positive", summary: "noise" } });
    const after = await reopenCase({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id } });
    expect(after.status).toBe("open");
    expect(after.resolution).toBeNull();
    expect(await codeOf(reopenCase({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id } }))).toBe("conflict");
    const detail = await getCase({ ctx: { db: t.db, actor: viewer, now: new Date() }, input: { caseId: c.id } });
    expect(detail.audit.map((a) => a.action)).toEqual(["reopen", "resolve"]);
  });

  it("snoozes for minutes or until a time, shows as snoozed, and unsnoozes", async () => {
    const { case: c } = await seedCase(t.db);
    const now = new Date();
    const after = await snoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: c.id, snooze: { minutes: 90 } } });
    expect(after.snoozedUntil?.getTime()).toBe(now.getTime() + 90 * 60_000);
    const detail = await getCase({ ctx: { db: t.db, actor: viewer, now }, input: { caseId: c.id } });
    expect(detail.status).toBe("snoozed");
    const until = new Date(now.getTime() + 3_600_000).toISOString();
    const again = await snoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: c.id, snooze: { until } } });
    expect(again.snoozedUntil?.toISOString()).toBe(until);
    await unsnoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: c.id } });
    expect(await codeOf(unsnoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: c.id } }))).toBe("conflict");
    const final = await getCase({ ctx: { db: t.db, actor: viewer, now }, input: { caseId: c.id } });
    expect(final.status).toBe("open");
    expect(final.audit.map((a) => a.action)).toEqual(["unsnooze", "snooze", "snooze"]);
  });

  it("refuses snoozes in the past, beyond 30 days, on resolved cases, and malformed bodies", async () => {
    const { case: c } = await seedCase(t.db);
    const now = new Date();
    const past = new Date(now.getTime() - 60_000).toISOString();
    expect(await codeOf(snoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: c.id, snooze: { until: past } } }))).toBe("invalid_input");
    const far = new Date(now.getTime() + 31 * 86_400_000).toISOString();
    expect(await codeOf(snoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: c.id, snooze: { until: far } } }))).toBe("invalid_input");
    expect(snoozeCaseInputSchema.safeParse({ minutes: 0 }).success).toBe(false);
    expect(snoozeCaseInputSchema.safeParse({ minutes: 5, until: past }).success).toBe(false);
    expect(snoozeCaseInputSchema.safeParse({ until: "tomorrow" }).success).toBe(false);
    await resolveCase({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, category: "fixed", summary: "done" } });
    expect(await codeOf(snoozeCase({ ctx: { db: t.db, actor: responder, now }, input: { caseId: c.id, snooze: { minutes: 5 } } }))).toBe("conflict");
  });

  it("validates resolve and feedback bodies", () => {
    expect(resolveCaseInputSchema.safeParse({ category: "fixed", summary: "  " }).success).toBe(false);
    expect(resolveCaseInputSchema.safeParse({ category: "magic", summary: "x" }).success).toBe(false);
    expect(resolveCaseInputSchema.safeParse({ category: "fixed", summary: "x", postmortemUrl: "javascript:alert(1)" }).success).toBe(false);
    expect(feedbackInputSchema.safeParse({ verdict: "maybe" }).success).toBe(false);
    expect(feedbackInputSchema.parse({ verdict: "wrong" })).toEqual({ verdict: "wrong", note: "" });
  });

  it("records feedback against the latest run and refuses a run of another case", async () => {
    const { case: c, runId } = await seedCase(t.db, {}, { reportKey: null });
    await t.db.update(cases).set({ latestRunId: runId }).where(eq(cases.id, c.id));
    const out = await recordFeedback({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, verdict: "wrong", note: "it was DNS" } });
    expect(out).toEqual({ verdict: "wrong", runId });
    const other = await seedCase(t.db, {}, { reportKey: null });
    expect(
      await codeOf(recordFeedback({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, verdict: "correct", note: "", runId: other.runId! } })),
    ).toBe("invalid_input");
    const detail = await getCase({ ctx: { db: t.db, actor: viewer, now: new Date() }, input: { caseId: c.id } });
    expect(detail.audit[0]).toMatchObject({ action: "feedback", actor: "rita", after: { verdict: "wrong", note: "it was DNS", runId } });
  });

  it("enforces roles: viewers read but cannot change anything; nobody acts without an actor", async () => {
    const { case: c } = await seedCase(t.db);
    const now = new Date();
    expect(await codeOf(resolveCase({ ctx: { db: t.db, actor: viewer }, input: { caseId: c.id, category: "fixed", summary: "x" } }))).toBe("forbidden");
    expect(await codeOf(snoozeCase({ ctx: { db: t.db, actor: viewer, now }, input: { caseId: c.id, snooze: { minutes: 5 } } }))).toBe("forbidden");
    expect(await codeOf(recordFeedback({ ctx: { db: t.db, actor: viewer }, input: { caseId: c.id, verdict: "correct", note: "" } }))).toBe("forbidden");
    expect(await codeOf(reopenCase({ ctx: { db: t.db, actor: viewer }, input: { caseId: c.id } }))).toBe("forbidden");
    expect(await codeOf(unsnoozeCase({ ctx: { db: t.db, actor: viewer, now }, input: { caseId: c.id } }))).toBe("forbidden");
    expect(await codeOf(getCase({ ctx: { db: t.db, actor: null as never, now }, input: { caseId: c.id } }))).toBe("unauthorized");
    expect(await codeOf(resolveCase({ ctx: { db: t.db, actor: testActor("admin") }, input: { caseId: c.id, category: "other", summary: "admin can" } }))).toBe("resolved");
    const detail = await getCase({ ctx: { db: t.db, actor: viewer, now }, input: { caseId: c.id } });
    expect(detail.audit).toHaveLength(1);
  });

  it("answers not_found for a missing or malformed case id", async () => {
    const now = new Date();
    expect(await codeOf(getCase({ ctx: { db: t.db, actor: viewer, now }, input: { caseId: "00000000-0000-4000-8000-000000000000" } }))).toBe("not_found");
    expect(await codeOf(getCase({ ctx: { db: t.db, actor: viewer, now }, input: { caseId: "nope" } }))).toBe("not_found");
    expect(await codeOf(resolveCase({ ctx: { db: t.db, actor: responder }, input: { caseId: "nope", category: "fixed", summary: "x" } }))).toBe("not_found");
  });
});
