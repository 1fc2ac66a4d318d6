import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCaseActions } from "@/lib/actions/list-case-actions";
import { cases, investigationRuns, type RunHypothesis } from "@/lib/db/schema";
import { applyCaseMemory } from "@/lib/investigate/case-memory";
import { renderMarkdown } from "@/lib/investigate/render-markdown";
import { reportSchema, type Report, type SeenBefore } from "@/lib/investigate/report";
import { parseRecording } from "@/lib/investigate/replay/recording";
import { replayProviders } from "@/lib/investigate/replay/replay-providers";
import { silentLog } from "@/test/helpers/engine-providers";
import { processAlertJob } from "@/lib/jobs/process-alert-job";
import { createFsStore } from "@/lib/storage/fs";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { caseMemoryText, findSimilarCases } from "./find-similar-cases";
import { recordFeedback } from "./record-feedback";
import { resolveCase } from "./resolve-case";
import { seedCase, testActor } from "@/test/helpers/cases";

let t: TestDatabase;
const dirs: string[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const responder = testActor("responder", "rita");
const viewer = testActor("viewer", "victor");

async function pastCase(values: Parameters<typeof seedCase>[1], hypotheses: RunHypothesis[]) {
  const seeded = await seedCase(t.db, values, { reportKey: "k" });
  await t.db.update(investigationRuns).set({ topHypotheses: hypotheses }).where(eq(investigationRuns.id, seeded.runId as string));
  await t.db
    .update(cases)
    .set({ latestRunId: seeded.runId, memoryText: caseMemoryText(seeded.case.oneLiner ?? "", hypotheses) })
    .where(eq(cases.id, seeded.case.id));
  return seeded.case;
}

const configError: RunHypothesis = { category: "config_error", title: "A required environment variable is missing", confidence: 59 };
const oom: RunHypothesis = { category: "oom", title: "The container is killed for exceeding its memory limit", confidence: 90 };

describe("findSimilarCases (real PostgreSQL, pg_trgm)", () => {
  it("ranks same family and workload/service/alertname first, then same family, then alike text; never the case itself", async () => {
    const tag = randomUUID().slice(0, 6);
    const probe = await pastCase({ family: "job_failed", alertname: `KubeJobFailed${tag}`, service: `billing-${tag}`, oneLiner: "Job exits 1: config file /etc/app.yaml not found" }, [configError]);
    const sameTarget = await pastCase({ family: "job_failed", alertname: `Other${tag}`, service: `billing-${tag}`, oneLiner: "unrelated words entirely" }, [oom]);
    const sameFamily = await pastCase({ family: "job_failed", alertname: `Third${tag}`, service: `ledger-${tag}`, oneLiner: "nothing alike" }, []);
    const alikeText = await pastCase({ family: "latency", alertname: `Fourth${tag}`, service: `x-${tag}`, oneLiner: "Job exits 1: config file /etc/app.yaml not found" }, [configError]);
    await pastCase({ family: "latency", alertname: `Fifth${tag}`, service: `y-${tag}`, oneLiner: "p99 latency of checkout above 2s" }, []);
    await resolveCase({ ctx: { db: t.db, actor: responder }, input: { caseId: sameTarget.id, category: "fixed", summary: "raised the memory limit" } });
    await recordFeedback({ ctx: { db: t.db, actor: responder }, input: { caseId: sameTarget.id, verdict: "correct", note: "" } });
    await recordFeedback({ ctx: { db: t.db, actor: responder }, input: { caseId: alikeText.id, verdict: "wrong", note: "", cause: "permission_error" } });

    const similar = await findSimilarCases({ ctx: { db: t.db, actor: viewer }, input: { caseId: probe.id } });
    expect(similar.map((s) => [s.caseId, s.match])).toEqual([
      [sameTarget.id, "same_target"],
      [sameFamily.id, "same_family"],
      [alikeText.id, "similar_text"],
    ]);
    expect(similar[0]).toMatchObject({
      resolution: { category: "fixed", summary: "raised the memory limit", by: "rita" },
      feedback: { verdict: "correct", cause: null },
      confirmedCategory: "oom",
      rejectedCategory: null,
    });
    expect(similar[2]).toMatchObject({ feedback: { verdict: "wrong", cause: "permission_error" }, confirmedCategory: "permission_error", rejectedCategory: "config_error" });
    expect(similar[2]?.similarity).toBeGreaterThan(0.5);
    await expect(findSimilarCases({ ctx: { db: t.db, actor: viewer }, input: { caseId: randomUUID() } })).rejects.toThrow(/no case/);
  });
});

describe("resolution feedback adjusts later reports, visibly", () => {
  function seen(confirmed: string | null, rejected: string | null = null): SeenBefore {
    return {
      caseId: randomUUID(),
      title: "t",
      family: "crashloop",
      alertname: "KubePodCrashLooping",
      status: "resolved",
      lastSeenAt: new Date().toISOString(),
      match: "same_target",
      similarity: 0.5,
      topHypothesis: null,
      resolution: null,
      feedback: null,
      confirmedCategory: confirmed,
      rejectedCategory: rejected,
    };
  }
  const golden = (name: string): Report => reportSchema.parse(JSON.parse(readFileSync(`fixtures/golden/${name}.json`, "utf8")));

  it("raises a category most similar cases confirmed and lowers one they refuted, with the reason in the report", () => {
    const base = golden("crashloop-missing-env");
    const report = {
      ...base,
      analysis: {
        ...base.analysis,
        hypotheses: [{ ...oom, category: "oom" as const, id: "oom_kill", why: [], counter: [], nextTests: [], confidence: 62 }, ...base.analysis.hypotheses],
      },
    };
    const out = applyCaseMemory({ input: { report, similar: [seen("config_error"), seen("config_error"), seen("config_error"), seen(null, "oom"), seen(null)] } });
    expect(out.analysis.hypotheses.map((h) => [h.id, h.confidence])).toEqual([
      ["log_missing_env", 74],
      ["oom_kill", 57],
    ]);
    expect(out.analysis.memory?.adjustments).toEqual([
      { hypothesisId: "oom_kill", category: "oom", delta: -5, reason: "1 of 4 similar past cases were judged not oom (resolution feedback): confidence 62% → 57%" },
      { hypothesisId: "log_missing_env", category: "config_error", delta: 15, reason: "3 of 4 similar past cases were config_error (resolution feedback): confidence 59% → 74%" },
    ]);
    expect(out.analysis.hypotheses[0]?.why.at(-1)).toBe("Seen before: 3 of 4 similar past cases were config_error (resolution feedback): confidence 59% → 74%");
    expect(out.analysis.verdict).toEqual(base.analysis.verdict);
    expect(reportSchema.safeParse(out).success).toBe(true);
    const md = renderMarkdown(out);
    expect(md).toContain("## Seen before");
    expect(md).toContain("- `log_missing_env`: 3 of 4 similar past cases were config\\_error");
    const hostile = renderMarkdown(applyCaseMemory({ input: { report, similar: [{ ...seen(null), title: "[pwn](http://evil.example) *x*\n# y" }] } }));
    expect(hostile).toContain("- \\[pwn\\](http://evil.example) \\*x\\* \\# y — same target");
  });

  it("leaves hypotheses alone when no similar case has a known outcome, and says there was none", () => {
    const base = golden("crashloop-oom");
    const out = applyCaseMemory({ input: { report: base, similar: [] } });
    expect(out.analysis.hypotheses).toEqual(base.analysis.hypotheses);
    expect(out.analysis.memory).toEqual({ similar: [], adjustments: [] });
    expect(renderMarkdown(out)).toContain("## Seen before\n\n_no similar past case_");
  });

  it("the worker looks similar cases up before rendering: feedback on past cases shows in the next report, and proposals are derived for the run", async () => {
    for (const h of [configError, configError, configError, oom]) {
      const c = await pastCase({ family: "crashloop", alertname: "KubePodCrashLooping", namespace: "rec-crashenv-bad", oneLiner: h.title }, [h]);
      await recordFeedback({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, verdict: "correct", note: "" } });
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-memory-"));
    dirs.push(dir);
    const store = createFsStore({ root: dir });
    const run = async (fixture: string) => {
      const recording = parseRecording(readFileSync(`fixtures/${fixture}.json`, "utf8"), fixture);
      const now = new Date(recording.now);
      const outcome = await processAlertJob({
        ctx: { db: t.db, store, providers: replayProviders(recording).providers, log: silentLog, now: () => now, config: { s3Prefix: "", claimLeaseMs: 30_000 } },
        input: {
          job: { alert: recording.alert, receiptId: randomUUID(), receivedAt: now.toISOString(), timeWindow: recording.timeWindow },
          delivery: { deliveryCount: 1, isLastDelivery: false, heartbeat: () => undefined },
        },
      });
      if (outcome.outcome !== "investigated") throw new Error(`expected an investigation, got ${outcome.reason}`);
      return { outcome, report: reportSchema.parse(JSON.parse((await store.get(`${outcome.reportKey}.json`)) ?? "null")), md: await store.get(`${outcome.reportKey}.md`) };
    };

    const first = await run("crashloop-missing-env");
    const top = first.report.analysis.hypotheses[0];
    expect(top).toMatchObject({ category: "config_error", confidence: 74 });
    expect(top?.why).toContain("Seen before: 3 of 4 similar past cases were config_error (resolution feedback): confidence 59% → 74%");
    expect(first.report.analysis.memory?.similar).toHaveLength(4);
    expect(first.md).toContain("3 of 4 similar past cases were config\\_error");
    const [stored] = await t.db.select().from(investigationRuns).where(eq(investigationRuns.id, first.outcome.runId));
    expect(stored?.topHypotheses).toEqual([{ category: "config_error", title: top?.title, confidence: 74 }]);
    const [remembered] = await t.db.select({ memoryText: cases.memoryText }).from(cases).where(eq(cases.id, first.outcome.caseId));
    expect(remembered?.memoryText).toBe(`${first.report.analysis.verdict.oneLiner} ${top?.title} config_error`);

    const second = await run("oom-killed-memory-growth");
    const actions = await listCaseActions({ ctx: { db: t.db, actor: viewer }, input: { caseId: second.outcome.caseId } });
    expect(actions.map((a) => [a.kind, a.source, a.runId]).sort()).toEqual([
      ["raise_limit", "derived", second.outcome.runId],
      ["rollout_restart", "derived", second.outcome.runId],
    ]);
  });
});
