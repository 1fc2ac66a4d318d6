import { createHash, timingSafeEqual } from "node:crypto";
import { ServiceError } from "@/lib/errors";

/** Compare `Authorization: Bearer …` with the expected token in constant time; no token configured → open. */
export function checkBearerToken(authorization: string | null, expected: string | undefined): void {
  if (!expected) return;
  const given = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim() ?? "";
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  if (!given || !timingSafeEqual(a, b)) {
    throw new ServiceError("unauthorized", "missing or wrong bearer token");
  }
}
