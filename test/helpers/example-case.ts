import fs from "node:fs";
import { eventually } from "./nats";

/**
 * POST docs/examples/alertmanager-firing.json to a running Tarka (AUTH_MODE=disabled) and wait until
 * its case has an investigated run; answers the case id and run id.
 */
export async function postExampleAlert(baseUrl: string, timeoutMs = 30_000): Promise<{ caseId: string; runId: string }> {
  const body = fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8");
  const res = await fetch(`${baseUrl}/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body });
  if (res.status !== 202) throw new Error(`/alerts answered ${res.status}: ${await res.text()}`);
  const item = await eventually(async () => {
    const list = (await (await fetch(`${baseUrl}/api/v1/cases`)).json()) as { items: Array<{ id: string; latestRunId: string | null }> };
    return list.items.find((c) => c.latestRunId);
  }, timeoutMs, "an investigated case");
  return { caseId: item.id, runId: item.latestRunId! };
}
