import { randomBytes } from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/roles";
import type { Db } from "@/lib/db/client";
import { cases, investigationRuns } from "@/lib/db/schema";

type NewCase = typeof cases.$inferInsert;

/** Insert a case (and optionally one run) with unique identity; test data only. */
export async function seedCase(db: Db, values: Partial<NewCase> = {}, run?: { reportKey: string | null }) {
  const suffix = randomBytes(4).toString("hex");
  const [row] = await db
    .insert(cases)
    .values({
      identityKey: `pod:test/${suffix}`,
      identityKind: "pod",
      cluster: "c1",
      namespace: "payments",
      title: `Pod payments/api-${suffix} is crash looping`,
      alertname: "KubePodCrashLooping",
      family: "crashloop",
      severity: "critical",
      team: "checkout",
      service: "api",
      targetType: "pod",
      targetName: `api-${suffix}`,
      classification: "actionable",
      oneLiner: "Container restarts after OOM kill",
      impact: 70,
      confidence: 60,
      noise: 10,
      runCount: run ? 1 : 0,
      labels: { pod: `api-${suffix}`, namespace: "payments" },
      ...values,
    })
    .returning();
  if (!run) return { case: row, runId: null };
  const [r] = await db
    .insert(investigationRuns)
    .values({
      caseId: row.id,
      dedupeKey: `dk-${suffix}`,
      alertFingerprint: suffix,
      alertname: row.alertname,
      family: row.family,
      status: "succeeded",
      classification: row.classification,
      oneLiner: row.oneLiner,
      reportKey: run.reportKey,
      worker: "test",
      alertStartsAt: new Date(),
      startedAt: new Date(),
      durationMs: 5,
    })
    .returning();
  return { case: row, runId: r.id };
}

export function testActor(role: Role, username = `${role}-${randomBytes(3).toString("hex")}`): Actor {
  return { id: null, username, name: username, role, sessionId: null };
}
