import type { Family } from "@/lib/alerts/family";
import { cacheChurn } from "./cache-churn";
import { capacity } from "./capacity";
import { certExpiry } from "./cert-expiry";
import { controlPlane } from "./control-plane";
import { cpuThrottling } from "./cpu-throttling";
import { crashloop } from "./crashloop";
import { generic } from "./generic";
import { http5xx } from "./http-5xx";
import { jobFailed } from "./job-failed";
import { k8sRolloutHealth } from "./k8s-rollout-health";
import { latency } from "./latency";
import { memoryPressure } from "./memory-pressure";
import { meta } from "./meta";
import { nodeHealth } from "./node-health";
import { observabilityPipeline } from "./observability-pipeline";
import { oomKilled } from "./oom-killed";
import { podNotHealthy } from "./pod-not-healthy";
import { queueBacklog } from "./queue-backlog";
import { replicationLag } from "./replication-lag";
import { targetDown } from "./target-down";
import type { FamilyModule } from "./types";
import { volumeFilling } from "./volume-filling";

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
  k8sRolloutHealth,
  nodeHealth,
  volumeFilling,
  memoryPressure,
  certExpiry,
  queueBacklog,
  cacheChurn,
  replicationLag,
  observabilityPipeline,
  capacity,
  controlPlane,
  meta,
  generic,
];

const byFamily = new Map<Family, FamilyModule>(familyModules.map((m) => [m.family, m]));

export function familyModule(family: Family): FamilyModule {
  return byFamily.get(family) ?? generic;
}
