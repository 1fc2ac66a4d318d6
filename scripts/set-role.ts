// npx tsx scripts/set-role.ts <username-or-email> [--role viewer|responder|admin] [--disable|--enable]
// Promote an OIDC user (they start as viewers) or any local user, or lock an account out.
import { parseArgs } from "node:util";
import { setUserRole } from "@/lib/auth/set-user-role";
import { roles, type Role } from "@/lib/auth/roles";
import { openDatabase } from "@/lib/db/client";
import { databaseUrl, loadEnv } from "@/lib/env";
import { errorMessage } from "@/lib/errors";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: "string" }, disable: { type: "boolean" }, enable: { type: "boolean" } },
  });
  const username = positionals[0];
  if (!username || (values.role !== undefined && !roles.includes(values.role as Role)) || (!values.role && !values.disable && !values.enable)) {
    console.error(`usage: npx tsx scripts/set-role.ts <username> [--role ${roles.join("|")}] [--disable|--enable]`);
    return 2;
  }
  const env = loadEnv();
  const database = await openDatabase({ url: databaseUrl(env), dataDir: env.DATA_DIR, poolSize: 1 });
  try {
    const disabled = values.disable ? true : values.enable ? false : undefined;
    const user = await setUserRole({ ctx: { db: database.db }, input: { username, role: values.role as Role | undefined, disabled } });
    console.log(`${user.username}: ${user.role}${user.disabled ? " (disabled)" : ""}`);
    return 0;
  } catch (e) {
    console.error(`set-role: ${errorMessage(e)}`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
