// npx tsx scripts/create-api-token.ts --name <name> [--role viewer|responder|admin] [--days <n>]
// The first API token (later ones can come from POST /api/v1/tokens). Prints the secret once, on stdout.
import { parseArgs } from "node:util";
import type { Actor } from "@/lib/auth/actor";
import { createApiToken, createApiTokenInputSchema } from "@/lib/auth/create-api-token";
import { roles } from "@/lib/auth/roles";
import { openDatabase } from "@/lib/db/client";
import { databaseUrl, loadEnv } from "@/lib/env";
import { errorMessage } from "@/lib/errors";

/** Whoever can run this script can read the database anyway, so it acts as an admin. */
const cliActor: Actor = { id: null, username: "cli", name: "scripts/create-api-token.ts", role: "admin", sessionId: null };

async function main(): Promise<number> {
  const usage = `usage: npx tsx scripts/create-api-token.ts --name <name> [--role ${roles.join("|")}] [--days <n>]`;
  let values: { name?: string; role?: string; days?: string };
  try {
    ({ values } = parseArgs({ options: { name: { type: "string" }, role: { type: "string", default: "viewer" }, days: { type: "string" } } }));
  } catch (e) {
    console.error(`${errorMessage(e)}\n${usage}`);
    return 2;
  }
  const parsed = createApiTokenInputSchema.safeParse({
    name: values.name,
    role: values.role,
    expiresInDays: values.days === undefined ? undefined : Number(values.days),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`create-api-token: ${issue.path.join(".")}: ${issue.message}\n${usage}`);
    return 2;
  }
  const env = loadEnv();
  const database = await openDatabase({ url: databaseUrl(env), dataDir: env.DATA_DIR, poolSize: 1 });
  try {
    const { token, secret } = await createApiToken({ ctx: { db: database.db, actor: cliActor, now: new Date() }, input: parsed.data });
    console.error(`created API token ${token.name} (${token.role}, ${token.prefix}…, expires ${token.expiresAt ?? "never"}); it is shown only once:`);
    console.log(secret);
    return 0;
  } catch (e) {
    console.error(`create-api-token: ${errorMessage(e)}`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
