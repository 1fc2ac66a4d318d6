import type { z } from "zod";
import { ServiceError } from "@/lib/errors";

/** A zod failure as a 400 ServiceError whose details name each failing field path. */
export function invalidInput(error: z.ZodError, what: string): ServiceError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
  const first = issues[0];
  return new ServiceError("invalid_input", `${what}: ${first.path}: ${first.message}`, { details: { issues } });
}
