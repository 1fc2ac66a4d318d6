import { describe, expect, it } from "vitest";
import { familyOf, familyRegistry } from "@/lib/alerts/family";
import { identityOf } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { collectEvidence } from "./collect-evidence";
import { featuresOf } from "./features";
import { familyModule } from "./families";
import { hypothesis } from "./families/shared";
import { rankHypotheses } from "./investigate-alert";
import type { Providers } from "./providers/types";
import { targetOf } from "./target";
import { UNKNOWN_NEEDS_HUMAN } from "./vocabulary";
import { NOW, alertOf, containerOf, failing, fixedNow, investigate, kubeOf, logsOf, metricsOf, podOf, silentLog } from "@/test/helpers/engine-providers";

// A cause nothing speaks for never outranks "we do not know" (UNEVIDENCED_CEILING in investigate-alert.ts).

/** The engine's own features for `alert` from `providers`: real target, evidence and family module. */
async function featuresFor(alert: NormalizedAlert, providers: Partial<Providers>) {
  const family = familyOf(alert.alertname, alert.labels);
  const mod = familyModule(family);
  const identity = identityOf(alert, family);
  const target = targetOf(alert, family, identity.cluster ?? undefined, identity.subject);
  const start = new Date(NOW.getTime() - 3_600_000);
  const evidence = await collectEvidence({
    ctx: { providers: { timeoutMs: 1000, ...providers }, log: silentLog, now: fixedNow },
    input: { alert, target, queries: mod.queries(target, alert), start, end: NOW, wantsK8s: mod.needs.k8s !== "none" },
  });
  return { mod, f: featuresOf({ alert, family, target, evidence, window: { startMs: start.getTime(), endMs: NOW.getTime() } }) };
}

const crashLabels = { alertname: "KubePodCrashLooping", severity: "critical", namespace: "payments", pod: "checkout-7d9f8-x2k4q", container: "api" };
const crashing = containerOf({ name: "api", ready: false, restartCount: 4, state: "waiting", waitingReason: "CrashLoopBackOff", lastTerminatedReason: "Error", lastTerminatedExitCode: 3, lastTerminatedAt: "2026-11-23T11:58:00.000Z" });

describe("a hypothesis with no supporting evidence", () => {
  it("ranks below unknown, whatever confidence its family gave it, while evidenced causes keep theirs", async () => {
    const { mod, f } = await featuresFor(alertOf(crashLabels), { kubernetes: kubeOf({ pod: podOf({ namespace: "payments", name: crashLabels.pod, containers: [crashing] }) }) });
    const proposed = mod.hypotheses(f);
    const evidenced = proposed[0];
    expect(evidenced?.category).not.toBe("unknown");
    expect(evidenced?.why.length).toBeGreaterThan(0);
    const bare = (id: string, why: string[]) => hypothesis({ id, category: "dependency_unavailable", title: "The database is down", confidence: 95, why });

    const ranked = rankHypotheses([bare("unevidenced_db", []), bare("blank_db", ["  "]), ...proposed], f);
    const ids = ranked.map((h) => h.id);
    const unknownAt = ids.indexOf("unknown");
    expect(unknownAt, "an unknown hypothesis is added when a cause has no evidence").toBeGreaterThanOrEqual(0);
    expect(ids.indexOf("unevidenced_db")).toBeGreaterThan(unknownAt);
    expect(ids.indexOf("blank_db")).toBeGreaterThan(unknownAt);
    expect(ids.indexOf(evidenced?.id ?? "?")).toBeLessThan(unknownAt);

    const unknown = ranked[unknownAt];
    expect(unknown?.title).toContain("no evidence supports the causes listed");
    for (const id of ["unevidenced_db", "blank_db"]) {
      const h = ranked.find((x) => x.id === id);
      expect(h?.confidence).toBeLessThan(unknown?.confidence ?? 0);
      expect(h?.counter[0]).toMatch(/^nothing read contradicts it \(read: Kubernetes ok, metrics unavailable, logs /);
    }
    expect(ranked.find((h) => h.id === evidenced?.id)?.confidence).toBe(evidenced?.confidence);
  });

  it("does not add a second unknown when the family already proposed one", async () => {
    const { mod, f } = await featuresFor(alertOf(crashLabels), {});
    const proposed = mod.hypotheses(f);
    expect(proposed.map((h) => h.category)).toEqual(["unknown"]);
    const ranked = rankHypotheses([...proposed, hypothesis({ id: "guess", category: "oom", title: "Out of memory", confidence: 70, why: [] })], f);
    expect(ranked.map((h) => h.id)).toEqual(["unknown", "guess"]);
  });

  // Every family through the real engine: with nothing read, no family may put a cause above unknown.
  const evidenceless: Array<[string, Partial<Providers>]> = [
    ["no providers", {}],
    ["failing providers", failing],
    ["providers that return nothing", { kubernetes: kubeOf({}), metrics: metricsOf({}), logs: logsOf([]) }],
  ];
  const named = familyRegistry.filter((r) => r.family !== "meta" && r.names[0]).map((r) => [r.family, r.names[0] as string] as const);

  it.each(evidenceless)("no family ranks a cause above unknown_needs_human with %s", async (_case, providers) => {
    expect(named.length).toBeGreaterThan(10);
    for (const [family, alertname] of named) {
      const alert = alertOf({ alertname, severity: "critical", namespace: "shop", pod: "checkout-7d9f8-abcde", service: "checkout", job_name: "nightly", node: "node-a" });
      const report = await investigate(alert, providers);
      expect(report.family).toBe(family);
      expect(report.analysis.enrichment.label, family).toBe(UNKNOWN_NEEDS_HUMAN);
      expect(report.analysis.hypotheses[0]?.category, family).toBe("unknown");
      const unknownConfidence = report.analysis.hypotheses[0]?.confidence ?? 0;
      for (const h of report.analysis.hypotheses.slice(1)) expect(h.confidence, `${family} ${h.id}`).toBeLessThan(unknownConfidence);
    }
  });
});
