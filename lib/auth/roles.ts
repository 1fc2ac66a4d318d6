import { roles, type Role } from "@/lib/db/schema/constants";

/** Console roles, weakest first; importable by client code. */
export { roles, type Role };

export function roleRank(role: Role): number {
  return roles.indexOf(role);
}

export function hasRole(role: Role, needed: Role): boolean {
  return roleRank(role) >= roleRank(needed);
}
