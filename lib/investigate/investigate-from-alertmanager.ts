import { familyOf } from "@/lib/alerts/family";
import { identityOf } from "@/lib/alerts/identity";
import { normalizeAlert } from "@/lib/alerts/normalize";
import { ServiceError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import { investigateAlert } from "./investigate-alert";
import type { AlertmanagerAlertView, Providers } from "./providers/types";
import { renderMarkdown } from "./render-markdown";
import type { Report } from "./report";

/** Active alerts from Alertmanager, oldest first, so `--alert N` numbers are stable between calls. */
export async function listActiveAlerts({ ctx }: { ctx: { providers: Providers } }): Promise<AlertmanagerAlertView[]> {
  const am = ctx.providers.alertmanager;
  if (!am) throw new ServiceError("invalid_input", "ALERTMANAGER_URL is not set");
  const alerts = await am.listAlerts({ active: true, silenced: false, inhibited: false });
  return alerts.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.fingerprint.localeCompare(b.fingerprint));
}

/** Investigate one alert that Alertmanager holds now (CLI `--alert N` / `--fingerprint prefix`). */
export async function investigateStoredAlert({
  ctx,
  input,
}: {
  ctx: { providers: Providers; log: Logger; now?: () => Date };
  input: {
    selector: { fingerprintPrefix: string } | { index: number };
    timeWindow: string;
    clusterName?: string;
    scrapers?: string[];
  };
}): Promise<{ json: Report; markdown: string }> {
  const alerts = await listActiveAlerts({ ctx });
  let picked: AlertmanagerAlertView | undefined;
  if ("fingerprintPrefix" in input.selector) {
    const prefix = input.selector.fingerprintPrefix;
    const matches = alerts.filter((a) => a.fingerprint.startsWith(prefix));
    if (matches.length > 1) {
      throw new ServiceError("invalid_input", `fingerprint prefix ${prefix} matches ${matches.length} alerts; give more characters`);
    }
    picked = matches[0];
    if (!picked) throw new ServiceError("not_found", `no active alert has a fingerprint starting with ${prefix}`);
  } else {
    const n = input.selector.index;
    if (!Number.isInteger(n) || n < 1 || n > alerts.length) {
      throw new ServiceError("invalid_input", `--alert must be between 1 and ${alerts.length} (see --list-alerts)`);
    }
    picked = alerts[n - 1];
  }
  const alert = normalizeAlert(
    { labels: picked.labels, annotations: picked.annotations, startsAt: picked.startsAt, generatorURL: picked.generatorURL, fingerprint: picked.fingerprint },
    {},
    ctx.now?.(),
  );
  const family = familyOf(alert.alertname, alert.labels);
  const identity = identityOf(alert, family, { defaultCluster: input.clusterName, scrapers: input.scrapers });
  const report = await investigateAlert({
    ctx,
    input: { alert, family, identity, timeWindow: input.timeWindow, clusterName: input.clusterName },
  });
  return { json: report, markdown: renderMarkdown(report) };
}
