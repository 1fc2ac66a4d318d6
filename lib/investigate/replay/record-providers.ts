import type { NormalizedAlert } from "@/lib/alerts/schema";
import { isServiceError } from "@/lib/errors";
import type { AlertmanagerProvider, KubernetesProvider, LogsProvider, MetricsProvider, Providers } from "../providers/types";
import { encodeValue, providerMethods, RECORDING_VERSION, type JsonValue, type RecordedCall, type RecordedProvider, type Recording } from "./recording";

type Slot = { call: RecordedCall | null; timedOut: () => RecordedCall };

export type ProviderRecorder = {
  /** Drop-in providers: same answers and errors as the wrapped ones, each call recorded. */
  providers: Providers;
  /** The fixture for an investigation run through `providers` with `now` fixed. */
  recording(input: { now: Date; alert: NormalizedAlert; timeWindow: string; clusterName?: string; recordedAt?: Date }): Recording;
};

/**
 * Wraps providers so every method call's arguments and answer (or error) are kept in call order.
 * A call still unanswered after `timeoutMs`, or when the recording is taken, is recorded as timed
 * out, as the engine saw it, and a late answer is ignored.
 */
export function recordProviders(inner: Providers): ProviderRecorder {
  const slots: Slot[] = [];

  function wrap<T extends object>(provider: RecordedProvider, target: T): T {
    const out = Object.create(target) as T;
    for (const method of providerMethods[provider]) {
      const fn = (target as Record<string, unknown>)[method] as (...args: unknown[]) => Promise<unknown>;
      (out as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const base = { provider, method, args: encodeValue(args) as JsonValue[] };
        const started = performance.now();
        const elapsed = () => Math.round(performance.now() - started);
        const slot: Slot = { call: null, timedOut: () => ({ ...base, durationMs: elapsed(), timedOut: true }) };
        slots.push(slot);
        const timer = setTimeout(() => {
          slot.call ??= slot.timedOut();
        }, inner.timeoutMs);
        return (async () => fn.apply(target, args))().then(
          (value) => {
            clearTimeout(timer);
            slot.call ??= { ...base, durationMs: elapsed(), result: encodeValue(value) };
            return value;
          },
          (e: unknown) => {
            clearTimeout(timer);
            const message = e instanceof Error ? e.message : String(e);
            // Providers throw ServiceError; anything else is an unreachable backend as far as the report goes.
            slot.call ??= { ...base, durationMs: elapsed(), error: { code: isServiceError(e) ? e.code : "unavailable", message } };
            throw e;
          },
        );
      };
    }
    return out;
  }

  const { metrics, kubernetes, logs, alertmanager } = inner;
  const providers: Providers = {
    timeoutMs: inner.timeoutMs,
    ...(metrics ? { metrics: wrap<MetricsProvider>("metrics", metrics) } : {}),
    ...(kubernetes ? { kubernetes: wrap<KubernetesProvider>("kubernetes", kubernetes) } : {}),
    ...(logs ? { logs: wrap<LogsProvider>("logs", logs) } : {}),
    ...(alertmanager ? { alertmanager: wrap<AlertmanagerProvider>("alertmanager", alertmanager) } : {}),
  };

  return {
    providers,
    recording: ({ now, alert, timeWindow, clusterName, recordedAt }) => ({
      version: RECORDING_VERSION,
      recordedAt: (recordedAt ?? new Date()).toISOString(),
      now: now.toISOString(),
      timeoutMs: inner.timeoutMs,
      alert,
      timeWindow,
      ...(clusterName ? { clusterName } : {}),
      providers: {
        // Read after the run: the metrics provider may have learned its kind from the first answer.
        metrics: metrics ? { kind: metrics.kind, baseUrl: metrics.baseUrl } : null,
        kubernetes: !!kubernetes,
        logs: !!logs,
        alertmanager: !!alertmanager,
      },
      // Unanswered when the investigation ended: the engine's own timer, set just before ours, gave up on it.
      calls: slots.map((s) => s.call ?? s.timedOut()),
    }),
  };
}
