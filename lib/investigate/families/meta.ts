import { text } from "../commands";
import type { Features } from "../features";
import { type Finding, findingsModule } from "./findings";

function finding(f: Features): Finding {
  const base = { id: "meta_heartbeat", category: "noise", title: "Expected always-firing meta alert", confidence: 95 } as const;
  if (/inhibit/i.test(f.alert.alertname)) {
    return {
      ...base,
      label: "expected_inhibitor",
      why: [`${f.alert.alertname} exists to inhibit info-level alerts; it firing is expected`],
      steps: [text("Route it to a null receiver so it never pages or reaches Tarka.")],
    };
  }
  return {
    ...base,
    label: "heartbeat",
    why: [`${f.alert.alertname} always fires: it proves the alerting pipeline works end to end`],
    steps: [text("Route it to a dead-man's-switch service; alarm when it stops arriving, not when it fires.")],
  };
}

/** Watchdog/InfoInhibitor: alerts about the alerting pipeline itself, expected to fire. */
export const meta = findingsModule({
  family: "meta",
  needs: { k8s: "none", logs: false },
  queries: () => [],
  findings: (f) => [finding(f)],
  unknowns: () => [],
});
