import pino, { type DestinationStream, type Logger } from "pino";
import { redactText, redactValue } from "@/lib/redact";
import { traceLogFields } from "@/lib/tracing/spans";

export type { Logger };

/** Values under these keys never reach a log line, whatever object they sit in. */
const redactPaths = [
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "cookie",
  "*.cookie",
];

/** Strings and plain values redacted by shape; errors are left to the `err` serializer, which redacts them. */
function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const errors: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) (value instanceof Error ? errors : rest)[key] = value;
  return { ...redactValue(rest), ...errors };
}

/**
 * JSON lines on stdout (or `destination`); a line written inside a span carries its `trace_id` and
 * `span_id`. Messages, fields and errors pass through `lib/redact.ts`, so a credential inside an
 * upstream error or a URL never reaches a log line.
 */
export function createLogger(options: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.name ?? "tarka" },
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: redactFields },
      serializers: { err: (e: Error) => redactValue(pino.stdSerializers.err(e)) },
      hooks: {
        logMethod(args, method) {
          const redacted: unknown[] = args.map((a) => (typeof a === "string" ? redactText(a) : a));
          // pino would take the message from the error itself, unredacted.
          if (redacted[0] instanceof Error && typeof redacted[1] !== "string") redacted.splice(1, 0, redactText(redacted[0].message));
          method.apply(this, redacted as Parameters<typeof method>);
        },
      },
      mixin: traceLogFields,
    },
    options.destination,
  );
}
