import { ServiceError } from "@/lib/errors";
import type { AlertmanagerProvider, KubernetesProvider, LogsProvider, MetricsProvider, Providers } from "../providers/types";
import { callKey, decodeValue, providerMethods, type RecordedCall, type RecordedProvider, type Recording } from "./recording";

export type ReplayedProviders = {
  /** Providers that answer only from the recording; nothing touches the network. */
  providers: Providers;
  /** Keys of the calls that were asked for but not in the recording, in the order they were asked. */
  misses(): string[];
};

/**
 * Answers each call with the next recorded answer for the same provider, method and arguments.
 * A recorded timeout never settles, so the engine's own timer fires as it did when recording.
 */
export function replayProviders(recording: Recording): ReplayedProviders {
  const answers = new Map<string, RecordedCall[]>();
  for (const call of recording.calls) {
    const key = callKey(call.provider, call.method, call.args);
    answers.set(key, [...(answers.get(key) ?? []), call]);
  }
  const missed: string[] = [];

  function answer(provider: RecordedProvider, method: string, args: unknown[]): Promise<unknown> {
    const key = callKey(provider, method, args);
    const call = answers.get(key)?.shift();
    if (!call) {
      missed.push(key);
      return Promise.reject(new ServiceError("invalid_input", `no recorded answer for ${key}`));
    }
    if ("timedOut" in call) return new Promise(() => {});
    if ("error" in call) return Promise.reject(new ServiceError(call.error.code, call.error.message));
    return Promise.resolve(decodeValue(call.result));
  }

  function methods<T>(provider: RecordedProvider): T {
    return Object.fromEntries(providerMethods[provider].map((m) => [m, (...args: unknown[]) => answer(provider, m, args)])) as T;
  }

  const p = recording.providers;
  const providers: Providers = {
    timeoutMs: recording.timeoutMs,
    ...(p.metrics ? { metrics: { kind: p.metrics.kind, baseUrl: p.metrics.baseUrl, ...methods<Pick<MetricsProvider, "instant" | "range">>("metrics") } } : {}),
    ...(p.kubernetes ? { kubernetes: methods<KubernetesProvider>("kubernetes") } : {}),
    ...(p.logs ? { logs: methods<LogsProvider>("logs") } : {}),
    ...(p.alertmanager ? { alertmanager: methods<AlertmanagerProvider>("alertmanager") } : {}),
  };
  return { providers, misses: () => [...missed] };
}
