import { errorMessage } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import { redactText } from "@/lib/redact";
import { SpanKind, failSpan, withSpan } from "@/lib/tracing/spans";
import type { ProviderName, QueryRecord } from "./providers/types";

export type CallResult<T> = { ok: true; value: T } | { ok: false; outcome: "error" | "timeout"; error: string };

export type ProviderCall = <T>(
  provider: ProviderName,
  query: string,
  run: () => Promise<T>,
  isEmpty: (value: T) => boolean,
  /** For providers that report failure in their answer instead of throwing (logs): the reason, or null. */
  failureOf?: (value: T) => string | null,
) => Promise<CallResult<T>>;

export type Recorder = { call: ProviderCall; sorted(): QueryRecord[] };

const providerOrder: ProviderName[] = ["kubernetes", "prometheus", "logs", "alertmanager"];

class ProviderTimeout extends Error {}

/**
 * Runs one provider call under the per-call timeout and records it. Never throws: a failed or slow
 * provider becomes an `error`/`timeout` record and the pipeline carries on without that evidence.
 * One recorder serves a whole investigation (workload resolution, then evidence), so `queries[]`
 * holds every call.
 */
export function recorder(ctx: { timeoutMs: number; log: Logger; now: () => Date }): Recorder {
  const queries: QueryRecord[] = [];
  async function call<T>(
    provider: ProviderName,
    query: string,
    run: () => Promise<T>,
    isEmpty: (value: T) => boolean,
    failureOf: (value: T) => string | null = () => null,
  ): Promise<CallResult<T>> {
    const started = ctx.now();
    const record: QueryRecord = {
      provider,
      query,
      startedAt: started.toISOString(),
      durationMs: 0,
      outcome: "ok",
    };
    queries.push(record);
    // The span only observes the call: its clock never reaches the record, so reports stay deterministic.
    const attributes = { "tarka.provider": provider, "tarka.query": query };
    return withSpan(`tarka.provider.${provider}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProviderTimeout(`no answer within ${ctx.timeoutMs} ms`)), ctx.timeoutMs);
      });
      try {
        const value = await Promise.race([run(), timeout]);
        const raw = failureOf(value);
        const failure = raw === null ? null : redactText(raw);
        record.outcome = failure ? "error" : isEmpty(value) ? "empty" : "ok";
        if (failure) {
          record.error = failure;
          failSpan(span, failure);
        }
        return { ok: true, value };
      } catch (e) {
        const outcome = e instanceof ProviderTimeout ? "timeout" : "error";
        record.outcome = outcome;
        record.error = redactText(errorMessage(e));
        failSpan(span, record.error);
        ctx.log.warn({ provider, query, outcome, err: record.error }, "provider call failed");
        return { ok: false, outcome, error: record.error };
      } finally {
        clearTimeout(timer);
        record.durationMs = Math.max(0, ctx.now().getTime() - started.getTime());
        span.setAttribute("tarka.outcome", record.outcome);
      }
    });
  }
  function sorted(): QueryRecord[] {
    // Stable sort by provider keeps each provider's own (deterministic) issue order.
    return [...queries].sort((a, b) => providerOrder.indexOf(a.provider) - providerOrder.indexOf(b.provider));
  }
  return { call, sorted };
}
