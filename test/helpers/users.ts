import { randomBytes } from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import { createUser } from "@/lib/auth/create-user";
import type { DbOrTx } from "@/lib/db/client";
import type { Role } from "@/lib/auth/roles";

export const TEST_PASSWORD = "correct horse battery";

/** A local user with a unique name, as the actor the lib/ verbs take. */
export async function newUser(db: DbOrTx, role: Role): Promise<Actor & { id: string }> {
  const u = await createUser({ ctx: { db }, input: { username: `${role}-${randomBytes(3).toString("hex")}`, password: TEST_PASSWORD, role } });
  return { id: u.id, username: u.username, name: null, role: u.role, sessionId: null };
}
