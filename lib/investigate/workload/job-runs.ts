import type { CronJobFacts, KubernetesProvider } from "../providers/types";
import { isDns1123Subdomain } from "../kubernetes-names";
import type { KubeReads } from "./kube-reads";

/** The CronJob that created a failed Job, with the Jobs it still keeps (what ran before, with which image). */
export async function readCronJob(kube: KubernetesProvider, reads: KubeReads, namespace: string, owner: { kind: string; name: string } | undefined): Promise<CronJobFacts | null> {
  if (owner?.kind !== "CronJob" || !isDns1123Subdomain(owner.name)) return null;
  return reads.read(`GET cronjobs/${namespace}/${owner.name}`, () => kube.getCronJob(namespace, owner.name), (v) => v === null);
}

/** How this run differs from the CronJob's last successful one: image changed, or never succeeded. */
export function cronJobHistory(cron: CronJobFacts, failedJob: string): string[] {
  const lines = [`CronJob ${cron.name} (schedule ${cron.schedule}${cron.suspend ? ", suspended" : ""}) created Job ${failedJob}`];
  const current = cron.jobs.find((j) => j.name === failedJob);
  const lastGood = cron.jobs.find((j) => j.name !== failedJob && j.succeeded > 0);
  if (lastGood && current && lastGood.images.join(",") !== current.images.join(",")) {
    lines.push(`image changed since the last successful run ${lastGood.name}: ${lastGood.images.join(", ")} → ${current.images.join(", ")}`);
  } else if (lastGood) {
    lines.push(`the last successful run ${lastGood.name} ran the same image ${lastGood.images.join(", ")}: the job's code did not change`);
  } else if (cron.jobs.length > 1) {
    lines.push(`none of the ${cron.jobs.length} runs still kept succeeded`);
  }
  if (cron.images.length && current && cron.images.join(",") !== current.images.join(",")) {
    lines.push(`the CronJob's template now runs ${cron.images.join(", ")} (changed after this run started)`);
  }
  return lines;
}
