import type { Env } from "@/lib/env";
import type { Logger } from "@/lib/log";
import { redactUrl } from "@/lib/redact";
import { createAlertmanagerProvider } from "./alertmanager";
import { createKubernetesProvider } from "./kubernetes";
import { createLogsProvider } from "./logs";
import { createMetricsProvider } from "./prometheus";
import type { Providers } from "./types";

/**
 * Builds the evidence providers that are configured; an unconfigured one stays undefined and the
 * investigation reports it as a blocker. Kubernetes: off when KUBERNETES_ENABLED=false; else
 * KUBECONFIG, else the service account when `inCluster` (the caller knows whether it runs in a pod),
 * else the client's default kubeconfig lookup when KUBERNETES_ENABLED=true. A kubeconfig that cannot
 * be loaded throws ServiceError("invalid_input") so the process stops at start.
 */
export function createProviders({ env, log, inCluster = false }: { env: Env; log: Logger; inCluster?: boolean }): Providers {
  const timeoutMs = env.PROVIDER_TIMEOUT_MS;
  const providers: Providers = { timeoutMs };

  if (env.PROMETHEUS_URL) providers.metrics = createMetricsProvider({ baseUrl: env.PROMETHEUS_URL, timeoutMs });
  if (env.LOGS_URL) providers.logs = createLogsProvider({ baseUrl: env.LOGS_URL, backend: env.LOGS_BACKEND, timeoutMs });
  if (env.ALERTMANAGER_URL) providers.alertmanager = createAlertmanagerProvider({ baseUrl: env.ALERTMANAGER_URL, timeoutMs });

  let kubernetes: string | null = null;
  if (env.KUBERNETES_ENABLED !== false) {
    if (env.KUBECONFIG) kubernetes = `kubeconfig ${env.KUBECONFIG}`;
    else if (inCluster) kubernetes = "in-cluster service account";
    else if (env.KUBERNETES_ENABLED === true) kubernetes = "default kubeconfig";
  }
  if (kubernetes) {
    providers.kubernetes = createKubernetesProvider({
      kubeconfigPath: env.KUBECONFIG,
      inCluster: !env.KUBECONFIG && inCluster,
      timeoutMs,
    });
  }

  log.info(
    {
      metrics: providers.metrics ? `${providers.metrics.kind} ${redactUrl(providers.metrics.baseUrl)}` : null,
      logs: env.LOGS_URL ? `${env.LOGS_BACKEND ?? "auto-detected"} ${redactUrl(env.LOGS_URL)}` : null,
      alertmanager: env.ALERTMANAGER_URL ? redactUrl(env.ALERTMANAGER_URL) : null,
      kubernetes,
      timeoutMs,
    },
    "evidence providers configured",
  );
  return providers;
}
