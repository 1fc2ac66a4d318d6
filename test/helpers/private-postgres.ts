import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";
import { waitForPort } from "./nats";

const BIN = "/usr/lib/postgresql/15/bin";

export type PrivatePostgres = {
  port: number;
  /** Superuser URL of the cluster's `postgres` database; pass it to `createTestDatabase(adminUrl)`. */
  adminUrl: string;
  /** Clean shutdown (`pg_ctl stop -m fast`): clients are disconnected, data kept for `start()`. */
  stop(): Promise<void>;
  /**
   * Crash-like stop (`pg_ctl stop -m immediate`: every server process quits without a checkpoint,
   * so `start()` runs crash recovery). A bare SIGKILL of the postmaster would leave its backends
   * holding the shared memory, and the next start would refuse to run.
   */
  kill(): Promise<void>;
  /** Start again on the same port and data folder. */
  start(): Promise<void>;
  /** Stop and delete the data folder. */
  destroy(): Promise<void>;
};

/**
 * A PostgreSQL 15 cluster of this test's own (Debian's binaries, trust auth, a free loopback port,
 * its socket inside its temporary folder), for tests that stop or crash the server — never the
 * shared one on 5432, which every other test is using. Runs as the `postgres` system user, as initdb requires.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-pg-"));
  chownSync(dir, uid, gid);
  const data = path.join(dir, "data");
  const port = await freePort();
  const asPostgres = (bin: string, args: string[]) =>
    execFileSync(path.join(BIN, bin), args, { uid, gid, cwd: dir, stdio: "ignore", env: { ...process.env, LANG: "C.UTF-8" } });
  asPostgres("initdb", ["-D", data, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;

  async function start(): Promise<void> {
    asPostgres("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
    await waitForPort(port, 10_000);
  }
  const stopWith = (mode: "fast" | "immediate") => async () => {
    asPostgres("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
  };

  await start();
  return {
    port,
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop: stopWith("fast"),
    kill: stopWith("immediate"),
    async destroy() {
      await stopWith("immediate")().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
