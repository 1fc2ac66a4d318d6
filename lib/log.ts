import pino, { type DestinationStream, type Logger } from "pino";
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

/** JSON lines on stdout (or `destination`); a line written inside a span carries its `trace_id` and `span_id`. */
export function createLogger(options: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.name ?? "tarka" },
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceLogFields,
    },
    options.destination,
  );
}
