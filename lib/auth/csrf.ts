import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ServiceError } from "@/lib/errors";
import { CSRF_HEADER } from "./csrf-header";

export { CSRF_HEADER };

/**
 * With AUTH_MODE=disabled there is no session to hold a token; a fixed token derived from the
 * secret still forces the custom header, which a cross-site form or simple request cannot send.
 */
export function anonymousCsrfToken(secret: string | undefined): string {
  return createHmac("sha256", secret ?? "tarka-anonymous").update("anonymous-csrf").digest("base64url");
}

export function assertCsrf(given: string | null, expected: string): void {
  const a = createHash("sha256").update(given ?? "").digest();
  const b = createHash("sha256").update(expected).digest();
  if (!given || !timingSafeEqual(a, b)) {
    throw new ServiceError("forbidden", `missing or wrong ${CSRF_HEADER} header`);
  }
}
