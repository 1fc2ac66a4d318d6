import { ServiceError } from "@/lib/errors";
import { hasRole, type Role } from "./roles";

/** Who is calling a verb: a signed-in user, or the anonymous admin when AUTH_MODE=disabled. */
export type Actor = {
  id: string | null;
  username: string;
  name: string | null;
  role: Role;
  sessionId: string | null;
};

export const anonymousActor: Actor = { id: null, username: "anonymous", name: "Anonymous", role: "admin", sessionId: null };

export function requireRole(actor: Actor | null | undefined, role: Role): Actor {
  if (!actor) throw new ServiceError("unauthorized", "sign in first");
  if (!hasRole(actor.role, role)) {
    throw new ServiceError("forbidden", `this needs the ${role} role; ${actor.username} is ${actor.role}`);
  }
  return actor;
}
