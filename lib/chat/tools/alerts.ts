import { z } from "zod";
import { alertmanagerMatcher } from "@/lib/investigate/providers/alertmanager";
import { chatCaps } from "../scope";
import { defineTool, unavailable } from "./chat-tool";

export const listFiringAlertsTool = defineTool({
  name: "list_firing_alerts",
  description: "Alerts active in Alertmanager now (not silenced or inhibited); in a case chat only the case's namespace.",
  input: z.object({ alertname: z.string().max(200).optional() }),
  scopes: ["case", "global"],
  async run(ctx, input) {
    if (!ctx.providers.alertmanager) return unavailable("Alertmanager (ALERTMANAGER_URL)");
    const filter: string[] = [];
    if (ctx.scope.kind === "case") {
      if (!ctx.scope.namespace) return { outcome: "refused", summary: "refused: this case has no namespace to filter alerts by", view: null };
      filter.push(alertmanagerMatcher("namespace", ctx.scope.namespace));
    }
    if (input.alertname) filter.push(alertmanagerMatcher("alertname", input.alertname));
    const alerts = await ctx.providers.alertmanager.listAlerts({ active: true, silenced: false, inhibited: false, filter });
    if (alerts.length === 0) return { outcome: "empty", summary: "nothing is firing", view: null };
    const rows = alerts.slice(0, chatCaps.tableRows).map((a) => [a.startsAt.slice(0, 16).replace("T", " "), a.labels.alertname ?? "", a.labels.severity ?? "", a.labels.namespace ?? "", a.labels.pod ?? a.labels.service ?? a.labels.instance ?? ""]);
    return {
      outcome: "ok",
      summary: `${alerts.length} alerts firing:\n${rows.map((r) => `${r[0]} ${r[1]} ${r[2]} ${r[3]} ${r[4]}`).join("\n")}`,
      view: { kind: "table", columns: ["since", "alertname", "severity", "namespace", "target"], rows },
    };
  },
});
