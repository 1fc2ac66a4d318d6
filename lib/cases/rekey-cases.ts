import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Db, DbOrTx } from "@/lib/db/client";
import { cases, investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { familyOf } from "@/lib/alerts/family";
import { identityOf, type Identity } from "@/lib/alerts/identity";
import type { ScraperNames } from "@/lib/alerts/scrapers";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { targetOf } from "@/lib/investigate/target";
import { caseTitle } from "./case-title";
import { recordAudit } from "@/lib/auth/record-audit";
import { serviceOf } from "./record-run";
import { caseMemoryText } from "./find-similar-cases";

type CaseRow = typeof cases.$inferSelect;
type RunRow = typeof investigationRuns.$inferSelect;
type ReceiptRow = typeof receivedAlerts.$inferSelect;

export type RekeyOutcome =
  | { caseId: string; outcome: "rekeyed"; from: string; to: string }
  | { caseId: string; outcome: "superseded"; from: string; into: Array<{ caseId: string; identityKey: string; runs: number }> };

/**
 * Re-key cases filed under an identity the current rules would not choose — chiefly the scraper's
 * pod or service (kube-state-metrics, node-exporter…) that older versions took for the subject.
 * Each run and received alert of a case is keyed again from its own labels. A case whose runs all
 * belong to one subject takes the new key in place; a case that merged several subjects is split:
 * its runs and alerts move to the case of their subject (found or created) and it is resolved as
 * superseded, pointing at those cases. Runs, reports and audit history are kept; every change is
 * audited. Identities found through Kubernetes owners (rollout-noisy workloads) are left alone.
 */
export async function rekeyCases({
  ctx,
  input,
}: {
  ctx: { db: Db; actor: Actor };
  input: { scrapers?: ScraperNames; dryRun?: boolean };
}): Promise<{ changed: RekeyOutcome[]; unchanged: number }> {
  const changed: RekeyOutcome[] = [];
  let unchanged = 0;
  const candidates = await ctx.db
    .select({ id: cases.id })
    .from(cases)
    .where(inArray(cases.identityKind, ["pod", "service", "fingerprint"]))
    .orderBy(asc(cases.createdAt));
  for (const { id } of candidates) {
    const outcome = await ctx.db.transaction(async (tx) => {
      const [c] = await tx.select().from(cases).where(eq(cases.id, id)).for("update");
      if (!c) return null;
      const plan = await planCase(tx, c, input.scrapers);
      if (!plan) return null;
      if (input.dryRun) return planSummary(c, plan);
      return applyPlan(tx, ctx.actor, c, plan);
    });
    if (outcome) changed.push(outcome);
    else unchanged++;
  }
  return { changed, unchanged };
}

type Group = { identity: Identity; alert: NormalizedAlert; runs: RunRow[]; receipts: ReceiptRow[] };

function alertOf(r: { fingerprint: string; alertname: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: Date }): NormalizedAlert {
  return {
    fingerprint: r.fingerprint,
    status: "firing",
    alertname: r.alertname,
    labels: r.labels,
    annotations: r.annotations,
    startsAt: r.startsAt.toISOString(),
    endsAt: null,
    generatorURL: null,
    externalURL: null,
    receiver: null,
  };
}

/** Groups of the case's runs and alerts by their identity now, or null when the case keeps its key. */
async function planCase(db: DbOrTx, c: CaseRow, scrapers: ScraperNames | undefined): Promise<Map<string, Group> | null> {
  const runs = await db.select().from(investigationRuns).where(eq(investigationRuns.caseId, c.id)).orderBy(asc(investigationRuns.finishedAt));
  const receipts = await db
    .select()
    .from(receivedAlerts)
    .where(and(eq(receivedAlerts.caseId, c.id), eq(receivedAlerts.status, "firing")))
    .orderBy(asc(receivedAlerts.receivedAt));
  const groups = new Map<string, Group>();
  const add = (alert: NormalizedAlert, item: { run?: RunRow; receipt?: ReceiptRow }) => {
    const identity = identityOf(alert, familyOf(alert.alertname, alert.labels), { defaultCluster: c.cluster, scrapers });
    const g = groups.get(identity.key) ?? { identity, alert, runs: [], receipts: [] };
    g.alert = alert;
    if (item.run) g.runs.push(item.run);
    if (item.receipt) g.receipts.push(item.receipt);
    groups.set(identity.key, g);
  };
  const byRun = new Map(receipts.filter((r) => r.runId).map((r) => [r.runId as string, r]));
  for (const receipt of receipts) add(alertOf(receipt), { receipt });
  for (const run of runs) {
    const receipt = byRun.get(run.id);
    const alert = receipt
      ? alertOf(receipt)
      : alertOf({ fingerprint: run.alertFingerprint, alertname: run.alertname, labels: c.labels, annotations: {}, startsAt: run.alertStartsAt });
    add(alert, { run });
  }
  if (groups.size === 0 || (groups.size === 1 && groups.has(c.identityKey))) return null;
  return groups;
}

function planSummary(c: CaseRow, plan: Map<string, Group>): RekeyOutcome {
  const keys = [...plan.keys()];
  if (keys.length === 1) return { caseId: c.id, outcome: "rekeyed", from: c.identityKey, to: keys[0] };
  return { caseId: c.id, outcome: "superseded", from: c.identityKey, into: keys.map((k) => ({ caseId: "", identityKey: k, runs: plan.get(k)?.runs.length ?? 0 })) };
}

function subjectColumns(g: Group) {
  const family = familyOf(g.alert.alertname, g.alert.labels);
  const target = targetOf(g.alert, family, undefined, g.identity.subject);
  return {
    identityKey: g.identity.key,
    identityKind: g.identity.kind,
    cluster: g.identity.cluster,
    namespace: g.identity.namespace,
    targetType: target.type,
    targetName: target.name,
    service: serviceOf(g.identity.subject, g.alert.labels),
    title: caseTitle(g.alert, target.name),
  };
}

async function applyPlan(db: DbOrTx, actor: Actor, c: CaseRow, plan: Map<string, Group>): Promise<RekeyOutcome> {
  const audit = (caseId: string, action: string, before: Record<string, unknown> | null, after: Record<string, unknown>) =>
    recordAudit({ ctx: { db, actor }, input: { caseId, action, before, after } });
  const [only] = plan.values();
  if (plan.size === 1) {
    const [taken] = await db.select({ id: cases.id }).from(cases).where(eq(cases.identityKey, only.identity.key));
    if (!taken) {
      const columns = subjectColumns(only);
      await db.update(cases).set({ ...columns, updatedAt: sql`now()` }).where(eq(cases.id, c.id));
      await audit(c.id, "case.rekeyed", { identityKey: c.identityKey, targetName: c.targetName }, { identityKey: columns.identityKey, targetName: columns.targetName });
      return { caseId: c.id, outcome: "rekeyed", from: c.identityKey, to: only.identity.key };
    }
  }

  const into: Array<{ caseId: string; identityKey: string; runs: number }> = [];
  for (const [key, g] of plan) {
    if (key === c.identityKey) continue;
    const latest = g.runs.at(-1);
    const [existing] = await db.select({ id: cases.id }).from(cases).where(eq(cases.identityKey, key));
    const targetId =
      existing?.id ??
      (
        await db
          .insert(cases)
          .values({
            ...subjectColumns(g),
            alertname: g.alert.alertname,
            family: latest?.family ?? c.family,
            severity: g.alert.labels.severity ?? c.severity,
            team: g.alert.labels.team ?? g.alert.labels.owner ?? c.team,
            status: c.status,
            snoozedUntil: c.snoozedUntil,
            resolvedAt: c.resolvedAt,
            classification: latest?.classification ?? c.classification,
            oneLiner: latest?.oneLiner ?? c.oneLiner,
            memoryText: latest ? caseMemoryText(latest.oneLiner ?? "", latest.topHypotheses ?? []) : c.memoryText,
            impact: c.impact,
            confidence: c.confidence,
            noise: c.noise,
            labels: g.alert.labels,
          })
          .returning({ id: cases.id })
      )[0].id;
    const runIds = g.runs.map((r) => r.id);
    const receiptIds = g.receipts.map((r) => r.id);
    if (runIds.length) await db.update(investigationRuns).set({ caseId: targetId }).where(inArray(investigationRuns.id, runIds));
    if (receiptIds.length) await db.update(receivedAlerts).set({ caseId: targetId }).where(inArray(receivedAlerts.id, receiptIds));
    await refreshRunColumns(db, targetId);
    await audit(targetId, "case.rekeyed", { caseId: c.id, identityKey: c.identityKey }, { identityKey: key, runs: runIds.length, alerts: receiptIds.length });
    into.push({ caseId: targetId, identityKey: key, runs: runIds.length });
  }
  if (plan.has(c.identityKey)) {
    await refreshRunColumns(db, c.id);
    await audit(c.id, "case.split", null, { into });
    return { caseId: c.id, outcome: "superseded", from: c.identityKey, into };
  }
  await db
    .update(cases)
    .set({
      status: "resolved",
      resolvedAt: c.resolvedAt ?? sql`now()`,
      resolution: { by: "rekey", reason: "superseded by the cases of the alerts' subjects", supersededBy: into.map((i) => i.caseId) },
      updatedAt: sql`now()`,
    })
    .where(eq(cases.id, c.id));
  await refreshRunColumns(db, c.id);
  await audit(c.id, "case.superseded", { status: c.status, identityKey: c.identityKey }, { status: "resolved", supersededBy: into.map((i) => i.caseId) });
  return { caseId: c.id, outcome: "superseded", from: c.identityKey, into };
}

/**
 * run_count, latest_run_id, first/last seen, and what the case shows of its latest run (verdict,
 * one-liner, case-memory text), from the runs the case holds now: a run that moved out must not
 * leave its one-liner behind, and a newer run that moved in speaks for the case.
 */
async function refreshRunColumns(db: DbOrTx, caseId: string): Promise<void> {
  const [latest] = await db
    .select({ id: investigationRuns.id, classification: investigationRuns.classification, oneLiner: investigationRuns.oneLiner, topHypotheses: investigationRuns.topHypotheses })
    .from(investigationRuns)
    .where(eq(investigationRuns.caseId, caseId))
    .orderBy(desc(investigationRuns.finishedAt))
    .limit(1);
  const verdict = latest
    ? sql`, classification = ${latest.classification}, one_liner = ${latest.oneLiner}, memory_text = ${caseMemoryText(latest.oneLiner ?? "", latest.topHypotheses)}`
    : sql``;
  await db.execute(sql`
    update ${cases} set
      run_count = (select count(*) from ${investigationRuns} r where r.case_id = ${caseId}),
      latest_run_id = ${latest?.id ?? null},
      first_seen_at = coalesce((select min(r.alert_starts_at) from ${investigationRuns} r where r.case_id = ${caseId}), first_seen_at),
      last_seen_at = coalesce((select max(r.finished_at) from ${investigationRuns} r where r.case_id = ${caseId}), last_seen_at)
      ${verdict}
    where id = ${caseId}`);
}
