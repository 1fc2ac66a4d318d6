import { isServiceError } from "@/lib/errors";
import { redactText } from "@/lib/redact";

/**
 * What went wrong in a database call, safe to answer or log: the driver's own message and SQLSTATE,
 * never drizzle's "Failed query: <sql> params: <values>" wrapper (its params are the payload), and no
 * quoted input (PostgreSQL quotes the offending value); quoted identifiers such as index names stay.
 * Routes and the worker log their failures through it too, since one may be a database error; a
 * ServiceError's message is written to be shown and comes back unchanged.
 */
export function describeDbError(e: unknown): string {
  if (isServiceError(e)) return e.message;
  let current: unknown = e;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (!current.message.startsWith("Failed query:")) break;
    current = current.cause;
  }
  if (!(current instanceof Error)) return "database error";
  const code = (current as { code?: unknown }).code;
  const message = current.message.replace(/"([^"]*)"/g, (m, inner: string) => (/^[a-z_][a-z0-9_]{0,62}$/.test(inner) ? m : '"…"'));
  return redactText(`${message.split("\n")[0]}${typeof code === "string" ? ` (SQLSTATE ${code})` : ""}`);
}
