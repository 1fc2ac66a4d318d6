/**
 * The one error vocabulary. Route handlers map `code` to HTTP (httpStatus), the worker maps it to
 * a queue disposition (queueDisposition). Nobody invents another error shape.
 */
export const errorCodes = {
  invalid_input: { http: 400, queue: "dead_letter" },
  unauthorized: { http: 401, queue: "dead_letter" },
  forbidden: { http: 403, queue: "dead_letter" },
  not_found: { http: 404, queue: "dead_letter" },
  conflict: { http: 409, queue: "retry" },
  payload_too_large: { http: 413, queue: "dead_letter" },
  unsupported_media_type: { http: 415, queue: "dead_letter" },
  rate_limited: { http: 429, queue: "retry" },
  unavailable: { http: 503, queue: "retry" },
  internal: { http: 500, queue: "retry" },
} as const;

export type ErrorCode = keyof typeof errorCodes;
export type QueueDisposition = (typeof errorCodes)[ErrorCode]["queue"];

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "ServiceError";
    this.code = code;
    this.details = options?.details;
  }
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}

export function httpStatus(e: unknown): number {
  return isServiceError(e) ? errorCodes[e.code].http : 500;
}

/** Unknown errors are assumed transient: retrying costs little, losing an alert costs a lot. */
export function queueDisposition(e: unknown): QueueDisposition {
  return isServiceError(e) ? errorCodes[e.code].queue : "retry";
}

/** The JSON body every API error answers with. */
export function errorBody(e: unknown): { error: { code: ErrorCode; message: string; details?: unknown } } {
  if (isServiceError(e)) {
    return { error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } };
  }
  return { error: { code: "internal", message: "internal error" } };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
