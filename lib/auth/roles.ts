/** Console roles, weakest first; importable by client code. */
export const roles = ["viewer", "responder", "admin"] as const;
export type Role = (typeof roles)[number];

export function roleRank(role: Role): number {
  return roles.indexOf(role);
}

export function hasRole(role: Role, needed: Role): boolean {
  return roleRank(role) >= roleRank(needed);
}
