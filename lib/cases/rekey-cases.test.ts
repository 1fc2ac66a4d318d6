import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity } from "@/lib/alerts/identity";
import { auditEvents, cases, investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { closeResolvedCases } from "./close-resolved-cases";
import { recordAudit } from "@/lib/auth/record-audit";
import { recordRun } from "./record-run";
import { rekeyCases } from "./rekey-cases";
import { testActor } from "@/test/helpers/cases";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const admin = testActor("admin");
const ksmPod = "kube-prometheus-stack-kube-state-metrics-7d9c5b4f8-xk2lp";
const ksm = { job: "kube-state-metrics", namespace: "monitoring", pod: ksmPod, container: "kube-state-metrics", service: "kube-prometheus-stack-kube-state-metrics", instance: "10.42.0.17:8080" };

/** The identity older versions gave every kube-state-metrics alert: the scraper's pod. */
const scraperIdentity: Identity = {
  kind: "pod",
  key: `pod||monitoring|${ksmPod}`,
  slug: `monitoring-${ksmPod}`,
  cluster: "",
  namespace: "monitoring",
  subject: { kind: "pod", objectKind: null, name: ksmPod, namespace: "monitoring", pod: ksmPod, container: "kube-state-metrics", service: ksm.service, node: null, job: "kube-state-metrics" },
};

/** Index one investigated alert the way the old worker did: receipt, then case + run under `identity`. */
async function oldRun(identity: Identity, labels: Record<string, string>, oneLiner = "replicas missing") {
  const fingerprint = randomUUID().slice(0, 16);
  const [receipt] = await t.db
    .insert(receivedAlerts)
    .values({ fingerprint, alertname: labels.alertname, status: "firing", labels, annotations: {}, startsAt: new Date(Date.now() - 60_000), disposition: "queued" })
    .returning();
  const alert = { fingerprint, status: "firing" as const, alertname: labels.alertname, labels, annotations: {}, startsAt: receipt.startsAt.toISOString(), endsAt: null, generatorURL: null, externalURL: null, receiver: null };
  const family = labels.alertname === "KubeNodeNotReady" ? "node_health" : "k8s_rollout_health";
  const run = await recordRun({
    ctx: { db: t.db },
    input: {
      identity,
      alert,
      receiptId: receipt.id,
      dedupeKey: randomUUID(),
      reportKey: `investigations/2026-12-04/${randomUUID()}`,
      worker: "old",
      startedAt: new Date(),
      durationMs: 10,
      timeWindow: "1h",
      summary: {
        title: `${labels.alertname} · ${ksmPod}`,
        family,
        targetType: "pod",
        targetName: ksmPod,
        classification: "actionable",
        oneLiner,
        topHypotheses: [{ category: "capacity", title: oneLiner, confidence: 60 }],
        impact: 50,
        confidence: 50,
        noise: 10,
      },
    },
  });
  return { ...run, fingerprint, receiptId: receipt.id };
}

describe("rekeyCases (real PostgreSQL)", () => {
  it("splits a case that merged two deployments under kube-state-metrics' pod, keeping runs, alerts and audit", async () => {
    const cart = await oldRun(scraperIdentity, { alertname: "KubeDeploymentReplicasMismatch", ...ksm, namespace: "shop", deployment: "cart" });
    const checkout = await oldRun(scraperIdentity, { alertname: "KubeDeploymentReplicasMismatch", ...ksm, namespace: "shop", deployment: "checkout" });
    expect(cart.caseId).toBe(checkout.caseId);
    const old = cart.caseId;
    await recordAudit({ ctx: { db: t.db, actor: admin }, input: { caseId: old, action: "feedback", after: { verdict: "correct" } } });

    const dry = await rekeyCases({ ctx: { db: t.db, actor: admin }, input: { dryRun: true } });
    expect(dry.changed).toHaveLength(1);
    expect((await t.db.select().from(cases).where(eq(cases.id, old)))[0].status).toBe("open");

    const result = await rekeyCases({ ctx: { db: t.db, actor: admin }, input: {} });
    expect(result.changed).toEqual([
      {
        caseId: old,
        outcome: "superseded",
        from: scraperIdentity.key,
        into: [
          { caseId: expect.any(String), identityKey: "workload||shop|deployment|cart", runs: 1 },
          { caseId: expect.any(String), identityKey: "workload||shop|deployment|checkout", runs: 1 },
        ],
      },
    ]);
    const into = result.changed[0].outcome === "superseded" ? result.changed[0].into.map((i) => i.caseId) : [];
    const split = await t.db.select().from(cases).where(inArray(cases.id, into));
    expect(split.map((c) => [c.targetType, c.targetName, c.namespace, c.runCount, c.title, c.service]).sort()).toEqual([
      ["workload", "cart", "shop", 1, "KubeDeploymentReplicasMismatch · cart", null],
      ["workload", "checkout", "shop", 1, "KubeDeploymentReplicasMismatch · checkout", null],
    ]);
    const runs = await t.db.select().from(investigationRuns).where(inArray(investigationRuns.id, [cart.runId, checkout.runId]));
    expect(new Map(runs.map((r) => [r.id, r.caseId]))).toEqual(
      new Map([
        [cart.runId, split.find((c) => c.targetName === "cart")?.id],
        [checkout.runId, split.find((c) => c.targetName === "checkout")?.id],
      ]),
    );
    for (const c of split) expect(c.latestRunId).not.toBeNull();

    const [superseded] = await t.db.select().from(cases).where(eq(cases.id, old));
    expect(superseded.status).toBe("resolved");
    expect(superseded.runCount).toBe(0);
    expect(superseded.resolution).toMatchObject({ by: "rekey", supersededBy: into });
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, old));
    expect(audit.map((a) => a.action).sort()).toEqual(["case.superseded", "feedback"]);

    // The alert's receipt moved with its run, so resolving it closes the new case.
    expect(await closeResolvedCases({ ctx: { db: t.db }, input: { fingerprints: [cart.fingerprint] } })).toBe(1);
    const [closed] = await t.db.select().from(cases).where(eq(cases.id, split.find((c) => c.targetName === "cart")?.id as string));
    expect(closed.status).toBe("resolved");

    expect((await rekeyCases({ ctx: { db: t.db, actor: admin }, input: {} })).changed).toEqual([]);
  });

  it("re-keys a single-subject case in place and merges into an existing case of the same subject", async () => {
    const nodeA = await oldRun({ ...scraperIdentity, key: `pod||monitoring|${ksmPod}-a` }, { alertname: "KubeNodeNotReady", ...ksm, node: "node-a" });
    const result = await rekeyCases({ ctx: { db: t.db, actor: admin }, input: {} });
    expect(result.changed).toEqual([{ caseId: nodeA.caseId, outcome: "rekeyed", from: `pod||monitoring|${ksmPod}-a`, to: "node|||node-a" }]);
    const [c] = await t.db.select().from(cases).where(eq(cases.id, nodeA.caseId));
    expect([c.identityKey, c.identityKind, c.namespace, c.targetType, c.targetName, c.runCount]).toEqual(["node|||node-a", "node", null, "node", "node-a", 1]);
    expect((await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id))).map((a) => a.action)).toEqual(["case.rekeyed"]);

    // An old-style case of the same node, left over: its run joins the node's case.
    const stray = await oldRun({ ...scraperIdentity, key: `pod||monitoring|${ksmPod}-b` }, { alertname: "KubeNodeNotReady", ...ksm, node: "node-a" }, "kubelet stopped posting status");
    const merged = await rekeyCases({ ctx: { db: t.db, actor: admin }, input: {} });
    expect(merged.changed).toEqual([{ caseId: stray.caseId, outcome: "superseded", from: `pod||monitoring|${ksmPod}-b`, into: [{ caseId: c.id, identityKey: "node|||node-a", runs: 1 }] }]);
    const [node] = await t.db.select().from(cases).where(eq(cases.id, c.id));
    expect(node.runCount).toBe(2);
    expect(node.latestRunId).toBe(stray.runId);
    // The newer run that moved in now speaks for the case, in the inbox and in case memory.
    expect([node.oneLiner, node.memoryText]).toEqual(["kubelet stopped posting status", "kubelet stopped posting status kubelet stopped posting status capacity"]);
  });
});
