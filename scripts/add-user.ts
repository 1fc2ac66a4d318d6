// npx tsx scripts/add-user.ts <username> --role viewer|responder|admin [--reset]
// Creates a local console account (or with --reset sets a new password and role, ends the user's
// sessions and leaves a disabled account disabled). The password is read from TARKA_NEW_PASSWORD or
// prompted on the terminal, never taken from argv (shell history).
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { createUser } from "@/lib/auth/create-user";
import { roles, type Role } from "@/lib/auth/roles";
import { openDatabase } from "@/lib/db/client";
import { databaseUrl, loadEnv } from "@/lib/env";
import { errorMessage } from "@/lib/errors";

async function readPassword(): Promise<string> {
  if (process.env.TARKA_NEW_PASSWORD) return process.env.TARKA_NEW_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question("Password (≥ 12 characters, not a common password): ");
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: "string", default: "viewer" }, reset: { type: "boolean", default: false } },
  });
  const username = positionals[0];
  if (!username || !roles.includes(values.role as Role)) {
    console.error(`usage: npx tsx scripts/add-user.ts <username> --role ${roles.join("|")} [--reset]`);
    return 2;
  }
  const env = loadEnv();
  const database = await openDatabase({ url: databaseUrl(env), dataDir: env.DATA_DIR, poolSize: 1 });
  try {
    const user = await createUser({
      ctx: { db: database.db },
      input: { username, password: await readPassword(), role: values.role as Role, update: values.reset },
    });
    if (user.created) console.log(`created ${user.username} (${user.role})`);
    else {
      console.log(`updated ${user.username} (${user.role}); ${user.sessionsEnded} open session(s) ended`);
      if (user.disabled) console.log(`${user.username} is still disabled: enable with npx tsx scripts/set-role.ts ${user.username} --enable`);
    }
    return 0;
  } catch (e) {
    console.error(`add-user: ${errorMessage(e)}`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
