import { context, propagation, trace } from "@opentelemetry/api";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Env } from "@/lib/env";
import { propagator } from "./spans";

export type Tracing = {
  readonly isEnabled: boolean;
  /** Export the spans still buffered. */
  flush(): Promise<void>;
  /** Flush, then stop exporting and unregister; spans started afterwards are no-ops. */
  shutdown(): Promise<void>;
};

const KEY = Symbol.for("tarka.tracing");
type Holder = { [KEY]?: Tracing };

const disabled: Tracing = { isEnabled: false, flush: async () => {}, shutdown: async () => {} };

/**
 * Start exporting spans over OTLP/HTTP (JSON) when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise
 * register nothing (and load no SDK), so the API's no-op tracer answers. One provider per process: a
 * second call (web route bundles, a second runtime) gets the running one.
 */
export async function startTracing({ env }: { env: Pick<Env, "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_SERVICE_NAME"> }): Promise<Tracing> {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return disabled;
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const [{ AsyncLocalStorageContextManager }, { OTLPTraceExporter }, { resourceFromAttributes }, { BasicTracerProvider, BatchSpanProcessor }] = await Promise.all([
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-base"),
  ]);
  // Another caller may have started tracing while the SDK loaded.
  const running = holder[KEY];
  if (running) return running;

  // The generic OTLP endpoint variable names the collector's base; the signal path is appended (OTLP spec).
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, "")}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  // Lets Next.js's own request spans, when it emits them, continue the caller's trace too.
  propagation.setGlobalPropagator(propagator);

  const tracing: Tracing = {
    isEnabled: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (holder[KEY] !== tracing) return;
      delete holder[KEY];
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  holder[KEY] = tracing;
  return tracing;
}
