import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionProposals, auditEvents } from "@/lib/db/schema";
import { createAlertmanagerSilence } from "@/lib/investigate/providers/alertmanager";
import { reportSchema, type Report } from "@/lib/investigate/report";
import { seedCase, testActor } from "@/test/helpers/cases";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { rejection } from "@/test/helpers/rejection";
import { startAlertmanager, type AlertmanagerServer } from "@/test/helpers/alertmanager";
import { abandonAction } from "./abandon-action";
import { actionCommand } from "./action-command";
import { approveAction } from "./approve-action";
import { deriveActionProposals } from "./derive-action-proposals";
import { listCaseActions } from "./list-case-actions";
import { markActionDone } from "./mark-action-done";
import { proposeAction, proposeActionInputSchema } from "./propose-action";
import { recordDerivedProposals } from "./record-derived-proposals";
import { rejectAction } from "./reject-action";

let t: TestDatabase;
let am: AlertmanagerServer;
beforeAll(async () => {
  [t, am] = await Promise.all([createTestDatabase(), startAlertmanager()]);
});
afterAll(async () => {
  await Promise.all([t?.drop(), am?.stop()]);
});

const responder = testActor("responder", "rita");
const admin = testActor("admin", "ada");
const otherAdmin = testActor("admin", "otto");
const viewer = testActor("viewer", "victor");

const codeOf = async (p: Promise<unknown>) => (await rejection(p)).code;

function golden(name: string): Report {
  return reportSchema.parse(JSON.parse(readFileSync(`fixtures/golden/${name}.json`, "utf8")));
}

function silence(caseId: string, matchers: { name: string; value: string }[], durationMinutes: number) {
  const input = proposeActionInputSchema.parse({ action: { kind: "silence", matchers, durationMinutes, comment: "known flapping probe" }, rationale: "the probe flaps during the nightly batch" });
  return proposeAction({ ctx: { db: t.db, actor: responder }, input: { caseId, ...input } });
}

const restart = proposeActionInputSchema.parse({
  action: { kind: "rollout_restart", namespace: "payments", workload: { kind: "Deployment", name: "api" } },
  rationale: "connections to the database went stale after its failover",
  evidence: ["error rate 40% since 10:02"],
});

describe("action lifecycle", () => {
  it("a responder proposes, an admin approves, the responder records it done; every transition is audited", async () => {
    const { case: c } = await seedCase(t.db);
    const proposed = await proposeAction({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, ...restart } });
    expect(proposed).toMatchObject({ status: "proposed", risk: "medium", source: "console", proposedBy: "rita", command: "kubectl -n payments rollout restart deployment/api" });
    expect(proposed.preconditions.length).toBeGreaterThan(0);
    const approved = await approveAction({ ctx: { db: t.db, actor: admin }, input: { actionId: proposed.id, note: "go" } });
    expect(approved).toMatchObject({ status: "approved", decidedBy: "ada", decisionNote: "go" });
    const done = await markActionDone({ ctx: { db: t.db, actor: responder }, input: { actionId: proposed.id, note: "restarted at 10:20" } });
    expect(done).toMatchObject({ status: "done", completedBy: "rita", completionNote: "restarted at 10:20" });

    const [listed] = await listCaseActions({ ctx: { db: t.db, actor: viewer }, input: { caseId: c.id } });
    expect(listed.history.map((h) => [h.action, h.actor, h.status])).toEqual([
      ["propose", "rita", "proposed"],
      ["approve", "ada", "approved"],
      ["done", "rita", "done"],
    ]);
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["action.approve", "action.done", "action.propose"]);
  });

  it("refuses the wrong roles, self-approval, and transitions the status does not allow", async () => {
    const { case: c } = await seedCase(t.db);
    expect(await codeOf(proposeAction({ ctx: { db: t.db, actor: viewer }, input: { caseId: c.id, ...restart } }))).toBe("forbidden");
    const mine = await proposeAction({ ctx: { db: t.db, actor: admin }, input: { caseId: c.id, ...restart } });
    await expect(approveAction({ ctx: { db: t.db, actor: admin }, input: { actionId: mine.id, note: "" } })).rejects.toThrow(/nobody approves their own/);
    const theirs = await proposeAction({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, ...restart } });
    expect(await codeOf(approveAction({ ctx: { db: t.db, actor: responder }, input: { actionId: theirs.id, note: "" } }))).toBe("forbidden");
    expect(await codeOf(rejectAction({ ctx: { db: t.db, actor: responder }, input: { actionId: theirs.id, note: "" } }))).toBe("forbidden");
    expect(await codeOf(markActionDone({ ctx: { db: t.db, actor: responder }, input: { actionId: theirs.id, note: "" } }))).toBe("conflict");
    expect(await codeOf(abandonAction({ ctx: { db: t.db, actor: viewer }, input: { actionId: theirs.id, note: "" } }))).toBe("forbidden");

    const rejected = await rejectAction({ ctx: { db: t.db, actor: otherAdmin }, input: { actionId: theirs.id, note: "restart hides the cause" } });
    expect(rejected).toMatchObject({ status: "rejected", decidedBy: "otto", decisionNote: "restart hides the cause" });
    expect(await codeOf(approveAction({ ctx: { db: t.db, actor: admin }, input: { actionId: theirs.id, note: "" } }))).toBe("conflict");
    expect(await codeOf(abandonAction({ ctx: { db: t.db, actor: responder }, input: { actionId: theirs.id, note: "" } }))).toBe("conflict");

    const abandoned = await abandonAction({ ctx: { db: t.db, actor: admin }, input: { actionId: mine.id, note: "recovered on its own" } });
    expect(abandoned.status).toBe("abandoned");
    expect(await codeOf(approveAction({ ctx: { db: t.db, actor: otherAdmin }, input: { actionId: "not-a-uuid", note: "" } }))).toBe("not_found");
    // The refused attempts left no audit rows behind.
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["action.abandon", "action.propose", "action.propose", "action.reject"]);
  });

  it("builds commands only from valid names, quotes free text, and keeps actions in the case's namespace", async () => {
    const { case: c } = await seedCase(t.db);
    const bad = proposeActionInputSchema.safeParse({
      action: { kind: "delete_pod", namespace: "payments", pod: "api; rm -rf /" },
      rationale: "x",
    });
    expect(bad.success).toBe(false);
    const elsewhere = proposeActionInputSchema.parse({ ...restart, action: { ...restart.action, namespace: "billing" } });
    expect(await codeOf(proposeAction({ ctx: { db: t.db, actor: responder }, input: { caseId: c.id, ...elsewhere } }))).toBe("invalid_input");
    const noAlertname = proposeActionInputSchema.safeParse({
      action: { kind: "silence", matchers: [{ name: "namespace", value: "payments" }], durationMinutes: 60, comment: "x" },
      rationale: "x",
    });
    expect(noAlertname.success).toBe(false);
    expect(
      actionCommand({ kind: "silence", matchers: [{ name: "alertname", value: "It's $(bad)" }], durationMinutes: 90, comment: "don't `page`" }),
    ).toBe(`amtool silence add --duration=90m '--comment=don'\\''t \`page\`' 'alertname="It'\\''s $(bad)"'`);
  });
});

describe("silences", () => {
  it("an approved silence is created in Debian's Alertmanager, its id and expiry recorded, and the action done", async () => {
    const { case: c } = await seedCase(t.db);
    const proposed = await silence(c.id, [{ name: "alertname", value: "KubePodCrashLooping" }, { name: "namespace", value: "payments" }], 90);
    expect(proposed.risk).toBe("low");
    const now = new Date();
    const createSilence = (s: Parameters<typeof createAlertmanagerSilence>[1]) => createAlertmanagerSilence({ baseUrl: am.url, timeoutMs: 5_000 }, s);
    const done = await approveAction({ ctx: { db: t.db, actor: admin, createSilence, now }, input: { actionId: proposed.id, note: "" } });
    expect(done.status).toBe("done");
    expect(done.silence?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(done.silence?.endsAt).toBe(new Date(now.getTime() + 90 * 60_000).toISOString());

    const silences = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as {
      id: string;
      status: { state: string };
      matchers: { name: string; value: string }[];
      endsAt: string;
      createdBy: string;
      comment: string;
    }[];
    const created = silences.find((s) => s.id === done.silence?.id);
    expect(created).toBeDefined();
    expect(created?.status.state).toBe("active");
    expect(created?.createdBy).toBe("ada");
    expect(created?.comment).toContain(c.id);
    expect(created?.matchers.map((m) => `${m.name}=${m.value}`).sort()).toEqual(["alertname=KubePodCrashLooping", "namespace=payments"]);
    expect(Date.parse(created?.endsAt ?? "")).toBe(now.getTime() + 90 * 60_000);
    const [listed] = await listCaseActions({ ctx: { db: t.db, actor: viewer }, input: { caseId: c.id } });
    expect(listed.history.map((h) => h.action)).toEqual(["propose", "approve", "done"]);
    expect(listed.history[2]?.note).toContain(done.silence?.id ?? "?");
  });

  it("without an Alertmanager the approval is refused and the proposal stays proposed", async () => {
    const { case: c } = await seedCase(t.db);
    const proposed = await silence(c.id, [{ name: "alertname", value: "X" }], 30);
    expect(await codeOf(approveAction({ ctx: { db: t.db, actor: admin }, input: { actionId: proposed.id, note: "" } }))).toBe("unavailable");
    const unreachable = (s: Parameters<typeof createAlertmanagerSilence>[1]) => createAlertmanagerSilence({ baseUrl: "http://127.0.0.1:1", timeoutMs: 2_000 }, s);
    expect(await codeOf(approveAction({ ctx: { db: t.db, actor: admin, createSilence: unreachable }, input: { actionId: proposed.id, note: "" } }))).toBe("unavailable");
    const [row] = await t.db.select().from(actionProposals).where(eq(actionProposals.id, proposed.id));
    expect(row?.status).toBe("proposed");
    expect(row?.silenceId).toBeNull();
  });
});

describe("derived proposals", () => {
  it("turns hypotheses into proposals with risk, preconditions, command and evidence", () => {
    const rollback = deriveActionProposals({ input: { report: golden("http-5xx-rollout-regression") } });
    expect(rollback.map((p) => [p.spec.kind, p.risk, actionCommand(p.spec)])).toEqual([
      ["rollback", "high", "kubectl -n rec-svc-rollout rollout undo deployment/checkout --to-revision=7"],
    ]);
    expect(rollback[0]?.evidence[0]).toMatch(/bad_rollout, 85%/);

    const oom = deriveActionProposals({ input: { report: golden("crashloop-oom") } });
    expect(oom.map((p) => actionCommand(p.spec))).toEqual(["kubectl -n rec-crash-bad set resources deployment/crash -c app --limits=memory=384Mi"]);
    expect(oom[0]?.preconditions.join("\n")).toMatch(/inferred from its name/);
    expect(oom[0]?.evidence.join("\n")).toMatch(/memory limit 256Mi/);

    const leak = deriveActionProposals({ input: { report: golden("oom-killed-memory-growth") } }).map((p) => p.spec.kind);
    expect(leak).toEqual(["raise_limit", "rollout_restart"]);

    const noisy = deriveActionProposals({ input: { report: golden("crashloop-recovered-artifact") } });
    expect(noisy.map((p) => p.spec.kind)).toEqual(["silence"]);
    expect(noisy[0]?.spec).toMatchObject({ durationMinutes: 120, matchers: expect.arrayContaining([{ name: "alertname", value: "KubePodCrashLooping" }]) });

    expect(deriveActionProposals({ input: { report: golden("blocked-no-providers") } })).toEqual([]);
  });

  it("scales a saturated workload, force-deletes a pod stuck terminating, and drops arguments that are not names", () => {
    const base = golden("crashloop-oom");
    const saturated: Report = {
      ...base,
      evidence: {
        ...base.evidence,
        k8s: {
          ...base.evidence.k8s,
          pod: base.evidence.k8s.pod && { ...base.evidence.k8s.pod, deletionTimestamp: "2026-11-23T11:00:00Z" },
          workload: { kind: "Deployment", namespace: "rec-crash-bad", name: "crash", desired: 4, ready: 4, updated: 4, available: 4, conditions: [], images: [], revisions: [] },
        },
      },
      analysis: { ...base.analysis, hypotheses: [{ id: "sat", category: "saturation", title: "CPU saturated", confidence: 70, why: [], counter: [], nextTests: [] }] },
    };
    expect(deriveActionProposals({ input: { report: saturated } }).map((p) => actionCommand(p.spec))).toEqual([
      "kubectl -n rec-crash-bad scale deployment/crash --replicas=6",
      "kubectl -n rec-crash-bad delete pod crash-7d9f8-bad --grace-period=0 --force",
    ]);
    const hostile: Report = { ...saturated, target: { ...saturated.target, namespace: "rec-crash-bad$(reboot)" } };
    expect(deriveActionProposals({ input: { report: hostile } })).toEqual([]);
  });

  it("records a run's proposals once, however often the run is recorded", async () => {
    const { case: c, runId } = await seedCase(t.db, {}, { reportKey: "k" });
    const report = golden("oom-killed-memory-growth");
    expect(await recordDerivedProposals({ ctx: { db: t.db }, input: { caseId: c.id, runId: runId as string, report } })).toBe(2);
    expect(await recordDerivedProposals({ ctx: { db: t.db }, input: { caseId: c.id, runId: runId as string, report } })).toBe(0);
    const listed = await listCaseActions({ ctx: { db: t.db, actor: viewer }, input: { caseId: c.id } });
    expect(listed.map((a) => [a.source, a.proposedBy, a.status, a.runId])).toEqual([
      ["derived", "tarka", "proposed", runId],
      ["derived", "tarka", "proposed", runId],
    ]);
    // A derived proposal is nobody's own, so any admin may approve it.
    const approved = await approveAction({ ctx: { db: t.db, actor: admin }, input: { actionId: listed[0]?.id as string, note: "" } });
    expect(approved.status).toBe("approved");
  });
});
