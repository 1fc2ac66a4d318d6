import { text } from "../commands";
import type { Features } from "../features";
import { hypothesis } from "./shared";
import type { FamilyModule } from "./types";

/** Watchdog/InfoInhibitor: alerts about the alerting pipeline itself, expected to fire. */
export const meta: FamilyModule = {
  family: "meta",
  needs: { k8s: "none", logs: false },
  queries: () => [],
  enrich(f: Features) {
    if (/inhibit/i.test(f.alert.alertname)) {
      return {
        label: "expected_inhibitor",
        why: [`${f.alert.alertname} exists to inhibit info-level alerts; it firing is expected`],
        steps: [text("Route it to a null receiver so it never pages or reaches Tarka.")],
      };
    }
    return {
      label: "heartbeat",
      why: [`${f.alert.alertname} always fires: it proves the alerting pipeline works end to end`],
      steps: [text("Route it to a dead-man's-switch service; alarm when it stops arriving, not when it fires.")],
    };
  },
  hypotheses: (f) => [
    hypothesis({ id: "meta_heartbeat", category: "noise", title: "Expected always-firing meta alert", confidence: 95, why: [`alertname ${f.alert.alertname}`] }),
  ],
};
