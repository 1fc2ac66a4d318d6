import { familyOf } from "@/lib/alerts/family";
import { identityOf } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { ServiceError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import { investigateAlert } from "../investigate-alert";
import { renderMarkdown } from "../render-markdown";
import type { Report } from "../report";
import type { Recording } from "./recording";
import { replayProviders } from "./replay-providers";

/** The engine's input for an alert, derived the way the CLI derives it (`investigateStoredAlert`). */
export function investigationInput(input: { alert: NormalizedAlert; timeWindow: string; clusterName?: string }) {
  const family = familyOf(input.alert.alertname, input.alert.labels);
  return {
    alert: input.alert,
    family,
    identity: identityOf(input.alert, family, { defaultCluster: input.clusterName }),
    timeWindow: input.timeWindow,
    ...(input.clusterName ? { clusterName: input.clusterName } : {}),
  };
}

/**
 * Runs the analysis again from a recording, offline, with the clock fixed at the recorded `now`.
 * A call the recording cannot answer fails the replay: the report would no longer be the recorded one.
 */
export async function replayInvestigation({
  ctx,
  input,
}: {
  ctx: { log: Logger };
  input: { recording: Recording; source: string };
}): Promise<{ json: Report; markdown: string }> {
  const { recording } = input;
  const replay = replayProviders(recording);
  const now = new Date(recording.now);
  const json = await investigateAlert({
    ctx: { providers: replay.providers, log: ctx.log, now: () => now },
    input: investigationInput(recording),
  });
  const misses = replay.misses();
  if (misses.length > 0) {
    throw new ServiceError(
      "invalid_input",
      `${input.source}: the engine asked for ${misses.length} call(s) the recording does not hold (record it again): ${misses.join("; ")}`,
      { details: { misses } },
    );
  }
  return { json, markdown: renderMarkdown(json) };
}
