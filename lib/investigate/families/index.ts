import type { Family } from "@/lib/alerts/family";
import { cpuThrottling } from "./cpu-throttling";
import { crashloop } from "./crashloop";
import { generic } from "./generic";
import { http5xx } from "./http-5xx";
import { jobFailed } from "./job-failed";
import { latency } from "./latency";
import { meta } from "./meta";
import { oomKilled } from "./oom-killed";
import { podNotHealthy } from "./pod-not-healthy";
import { targetDown } from "./target-down";
import type { FamilyModule } from "./types";

/** Every family investigation; a family without its own module falls back to `generic`. */
export const familyModules: FamilyModule[] = [
  crashloop,
  podNotHealthy,
  oomKilled,
  cpuThrottling,
  http5xx,
  latency,
  targetDown,
  jobFailed,
  meta,
  generic,
];

const byFamily = new Map<Family, FamilyModule>(familyModules.map((m) => [m.family, m]));

export function familyModule(family: Family): FamilyModule {
  return byFamily.get(family) ?? generic;
}
