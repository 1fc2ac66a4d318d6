import {
  ROOT_CONTEXT,
  context,
  isSpanContextValid,
  trace,
  SpanStatusCode,
  type Context,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { errorMessage } from "@/lib/errors";

export { SpanKind, type Span } from "@opentelemetry/api";

/** Tarka carries only the W3C header (HTTP in, queued job out). */
export const propagator = new W3CTraceContextPropagator();
type Carrier = Record<string, string>;
const getter: TextMapGetter<Carrier> = { keys: (c) => Object.keys(c), get: (c, k) => c[k] };
const setter: TextMapSetter<Carrier> = { set: (c, k, v) => void (c[k] = v) };

/**
 * Run `fn` inside a new active span that ends when `fn` settles; a throw marks the span as failed
 * and is rethrown. With tracing off the API's no-op tracer makes this nearly free.
 */
export function withSpan<T>(
  name: string,
  options: SpanOptions & { parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent, ...spanOptions } = options;
  return trace.getTracer("tarka").startActiveSpan(name, spanOptions, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(e) });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** Mark a span failed without throwing (for calls whose failure is an outcome, not an exception). */
export function failSpan(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Parent of an incoming request's span: the active span when the framework already opened one for
 * this request (it read the caller's header itself), else the caller's `traceparent`.
 */
export function requestContext(traceparent: string | null | undefined): Context {
  return trace.getActiveSpan() ? context.active() : parentContext(traceparent);
}

/** The context a W3C `traceparent` names, on top of `base`; `base` itself when the header is absent or malformed. */
export function parentContext(traceparent: string | null | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!traceparent) return base;
  return propagator.extract(base, { traceparent }, getter);
}

/** Run `fn` with the trace a `traceparent` names as the active context, so log lines inside carry its ids. */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  return context.with(parentContext(traceparent), fn);
}

/** The `traceparent` that makes a later span a child of `span`; undefined when the span has no valid context (tracing off). */
export function traceparentOf(span: Span): string | undefined {
  if (!isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Carrier = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
  return carrier.traceparent;
}

/** `trace_id`/`span_id` of the active span, for every log line written inside it. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const sc = span.spanContext();
  return isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}
