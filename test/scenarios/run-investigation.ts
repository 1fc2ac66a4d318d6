import { familyOf } from "@/lib/alerts/family";
import { identityOf } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Logger } from "@/lib/log";
import { investigateAlert } from "@/lib/investigate/investigate-alert";
import { createKubernetesProvider } from "@/lib/investigate/providers/kubernetes";
import { createLogsProvider } from "@/lib/investigate/providers/logs";
import { createMetricsProvider } from "@/lib/investigate/providers/prometheus";
import type { Providers } from "@/lib/investigate/providers/types";
import type { Report } from "@/lib/investigate/report";

/** The same providers `createProviders` builds from PROMETHEUS_URL, LOGS_URL and KUBECONFIG. */
export function providersFor(peers: { metricsUrl: string; logsUrl: string; kubeconfigPath: string; timeoutMs: number }): Providers {
  const { timeoutMs } = peers;
  return {
    timeoutMs,
    metrics: createMetricsProvider({ baseUrl: peers.metricsUrl, timeoutMs }),
    logs: createLogsProvider({ baseUrl: peers.logsUrl, timeoutMs }),
    kubernetes: createKubernetesProvider({ kubeconfigPath: peers.kubeconfigPath, timeoutMs }),
  };
}

/** One investigation of `alert` over the hour before `now`, as the worker runs it. */
export function investigateAt({
  ctx,
  input,
}: {
  ctx: { providers: Providers; log: Logger; now: Date };
  input: { alert: NormalizedAlert };
}): Promise<Report> {
  const { alert } = input;
  const family = familyOf(alert.alertname, alert.labels);
  return investigateAlert({
    ctx: { providers: ctx.providers, log: ctx.log, now: () => ctx.now },
    input: { alert, family, identity: identityOf(alert, family), timeWindow: "1h" },
  });
}
