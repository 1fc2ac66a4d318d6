import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import type { IDeployment } from "kubernetes-models/apps/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { isIgnored, ops, parseDockerfile, parseDockerignore, stageEnv, type Stage } from "@/test/helpers/dockerfile";
import { freePort } from "@/test/helpers/free-port";
import { deleteStreams, eventually, jetStreamEnv, uniqueQueueNames } from "@/test/helpers/nats";
import { bundle, workerEntryPoints } from "@/worker/build";
import { K8S_DIR, findObject } from "./tests/read-manifests";

// No container engine here: the runtime stage's /app is assembled in a temp dir from its COPY and RUN
// instructions, root-owned, and the image's commands run in it as the image's user with its ENV
// (without tini, the ENTRYPOINT, which this machine lacks and which only forwards signals).
const REPO = path.resolve(K8S_DIR, "..");
const read = (f: string) => fs.readFileSync(path.join(REPO, f), "utf8");
const dockerfile = parseDockerfile(read("Dockerfile"));
const stage = (name: string): Stage => dockerfile.stages.find((s) => s.name === name)!;
const runtime = stage("runtime");
const WORKDIR = ops(runtime, "WORKDIR").at(-1)!;
const [UID, GID] = ops(runtime, "USER").at(-1)!.split(":").map(Number);
const dockerignore = parseDockerignore(read(".dockerignore"));
// The runtime stage's ENV, and the node image's PATH with this machine's node first.
const IMAGE_ENV: Record<string, string> = { ...stageEnv(runtime), PATH: `${path.dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` };

function containerArgs(deployment: string, container: string, init = false): string[] {
  const spec = (findObject("Deployment", deployment) as unknown as IDeployment).spec!.template.spec!;
  const found = (init ? spec.initContainers : spec.containers)?.find((c) => c.name === container);
  if (!found?.args) throw new Error(`${deployment}: no ${init ? "init " : ""}container ${container} with args`);
  return found.args;
}

const lstat = (p: string) => fs.lstatSync(p, { throwIfNoEntry: false });

/** Replace a symlinked directory by a real one holding a symlink per entry, so that writing below it never reaches the link's target. */
function unfold(dir: string): void {
  const target = fs.realpathSync(dir);
  fs.unlinkSync(dir);
  fs.mkdirSync(dir);
  for (const e of fs.readdirSync(target)) fs.symlinkSync(path.join(target, e), path.join(dir, e));
}

/** `dir` as a real directory below `root`, creating or unfolding each part of the path. */
function realDir(root: string, dir: string): void {
  let at = root;
  for (const part of path.relative(root, dir).split(path.sep).filter(Boolean)) {
    at = path.join(at, part);
    const st = lstat(at);
    if (!st) fs.mkdirSync(at);
    else if (st.isSymbolicLink()) unfold(at);
    else if (!st.isDirectory()) throw new Error(`${at} is a file, cannot copy into it`);
  }
}

/** Docker's COPY of one source: a directory's contents merge into `dest`, files and symlinks replace. `link` enters a directory as one symlink. */
function copyInto(root: string, src: string, dest: string, options: { link?: boolean; keep?: (src: string) => boolean }): void {
  if (options.keep && !options.keep(src)) return;
  const st = fs.lstatSync(src);
  if (st.isDirectory()) {
    if (options.link && !lstat(dest)) return fs.symlinkSync(src, dest);
    realDir(root, dest);
    for (const e of fs.readdirSync(src)) copyInto(root, path.join(src, e), path.join(dest, e), options);
    return;
  }
  realDir(root, path.dirname(dest));
  if (lstat(dest)) fs.rmSync(dest, { recursive: true });
  if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dest);
  else fs.copyFileSync(src, dest);
}

/** Where a COPY source comes from on this machine: what the deps and build stages would have made is already in the repo. */
function resolveSource(from: string | undefined, src: string, workerBundle: string): { dir: string; link?: boolean; keep?: (src: string) => boolean } {
  if (from === undefined) return { dir: path.join(REPO, src), keep: (p) => !isIgnored(path.relative(REPO, p), dockerignore) };
  const rel = path.posix.relative(WORKDIR, src);
  if (from === "deps" && rel === "node_modules") return { dir: path.join(REPO, rel), link: true };
  if (from === "build") {
    // The build stage's npm run build writes dist/worker with worker/build.ts: bundled afresh here.
    if (rel === "dist/worker") return { dir: workerBundle };
    const dir = path.join(REPO, rel);
    if (fs.existsSync(dir)) return { dir };
    if (ops(stage("build"), "RUN").some((r) => r.split(" && ").includes(`mkdir -p ${rel}`))) {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-image-empty-"));
      scratch.push(empty);
      return { dir: empty };
    }
    throw new Error(`the runtime stage copies ${src} from the build stage, missing here: run \`TARKA_STANDALONE=1 npx next build\` first (npm test does it before the tests)`);
  }
  throw new Error(`COPY --from=${from} ${src}: this test does not know how to reproduce it`);
}

/** The runtime stage's RUN commands that shape /app; those that set up the base system are not ours to repeat. */
function runInTree(root: string, command: string): void {
  const [program, ...args] = command.split(" ");
  const inTree = (p: string) => path.resolve(root, path.posix.relative(WORKDIR, path.posix.resolve(WORKDIR, p)));
  if (program === "apt-get" || program === "groupadd" || program === "useradd") return;
  if (program === "rm" && args.every((a) => a.startsWith("-") || a.startsWith("/var/"))) return;
  if (program === "mkdir" && args[0] === "-p") return args.slice(1).forEach((d) => realDir(root, inTree(d)));
  if (program === "chown" && args.length === 2) {
    const [uid, gid] = args[0].split(":").map(Number);
    return fs.chownSync(inTree(args[1]), uid, gid);
  }
  throw new Error(`runtime stage RUN ${command}: this test does not know how to reproduce it`);
}

/** The runtime stage's /app, assembled in `root` from its COPY and RUN instructions in order. */
function assembleRuntime(root: string, workerBundle: string): void {
  for (const { op, args } of runtime.instructions) {
    if (op === "RUN") {
      for (const command of args.split(" && ")) runInTree(root, command.trim());
    } else if (op === "COPY") {
      const words = args.split(" ");
      const flags = words.filter((w) => w.startsWith("--"));
      const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
      if (flags.length > (from ? 1 : 0)) throw new Error(`COPY ${args}: unknown flag`);
      const [dest, ...sources] = words.filter((w) => !w.startsWith("--")).reverse();
      const target = path.resolve(root, path.posix.relative(WORKDIR, path.posix.resolve(WORKDIR, dest)));
      for (const src of sources.reverse()) {
        const { dir, ...options } = resolveSource(from, src, workerBundle);
        const isFile = fs.statSync(dir).isFile();
        copyInto(root, dir, isFile && dest.endsWith("/") ? path.join(target, path.basename(dir)) : target, options);
      }
    }
  }
}

type Proc = { output(): string; exited: Promise<number | null>; kill(signal: NodeJS.Signals): void };

/** A command of the image, run in the tree as the image's user with the image's ENV and `env` on top. */
function runAsImageUser(root: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn("setpriv", [`--reuid=${UID}`, `--regid=${GID}`, "--clear-groups", "--", ...args], {
    cwd: root,
    env: { ...IMAGE_ENV, ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d));
  child.stderr.on("data", (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { output: () => out, exited, kill: (signal) => child.exitCode === null && child.kill(signal) };
}

/** A directory the image's user may write to, standing for an emptyDir. */
function writableDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chownSync(dir, UID, GID);
  return dir;
}

async function until<T>(proc: Proc, what: string, check: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  let exitCode: number | null | undefined;
  void proc.exited.then((c) => (exitCode = c));
  return eventually(async () => {
    if (exitCode !== undefined) throw new Error(`exited with ${exitCode} before ${what}:\n${proc.output()}`);
    return check();
  }, timeoutMs, what).catch((e: Error) => {
    throw new Error(`${e.message}\n${proc.output()}`);
  });
}

const get = (url: string) => fetch(url).then((r) => r, () => undefined);
// A write the image does not allow surfaces as one of these, even where the code logs it and carries on.
const DENIED = /EACCES|EROFS|EPERM|permission denied|read-only file system/i;

let root: string;
let workerBundle: string;
const scratch: string[] = [];
const running: Proc[] = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("image-layout.test.ts needs root: it switches to the image's uid with setpriv");
  root = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-image-"));
  fs.chmodSync(root, 0o755);
  workerBundle = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-image-bundle-"));
  scratch.push(root, workerBundle);
  await bundle({ entryPoints: workerEntryPoints, outdir: workerBundle });
  assembleRuntime(root, workerBundle);
}, 60_000);

afterAll(() => {
  for (const p of running) p.kill("SIGKILL");
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`the runtime stage's ${WORKDIR}, assembled from the Dockerfile and run as uid ${UID}`, () => {
  it("is read-only to the image's user except .next/cache", async () => {
    const probe = (dir: string) =>
      spawnSync("setpriv", [`--reuid=${UID}`, `--regid=${GID}`, "--clear-groups", "--", "sh", "-c", `touch '${dir}/.probe' && rm '${dir}/.probe'`], { env: IMAGE_ENV as NodeJS.ProcessEnv }).status;
    expect(probe(root)).not.toBe(0);
    expect(probe(path.join(root, "node_modules/next"))).not.toBe(0);
    expect(probe(path.join(root, "dist/worker"))).not.toBe(0);
    expect(probe(path.join(root, ".next/cache"))).toBe(0);
  });

  it("web: the CMD serves /healthz and /readyz, and takes the sample alert on /alerts (embedded mode)", async () => {
    const command = JSON.parse(ops(runtime, "CMD").at(-1)!) as string[];
    const port = await freePort();
    const dataDir = writableDir("tarka-image-data-");
    scratch.push(dataDir);
    const web = runAsImageUser(root, command, { PORT: String(port), HOSTNAME: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn" });
    running.push(web);
    const url = `http://127.0.0.1:${port}`;
    await until(web, "/healthz 200", async () => ((await get(`${url}/healthz`))?.ok ? true : undefined));
    const readyz = await until(web, "/readyz ready", async () => {
      const res = await get(`${url}/readyz`);
      return res?.ok ? ((await res.json()) as { ready: boolean; checks: Record<string, string> }) : undefined;
    });
    expect(readyz).toEqual({ ready: true, checks: { database: "ok", queue: "ok", storage: "ok" } });
    const res = await fetch(`${url}/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: read("docs/examples/alertmanager-firing.json") });
    expect(res.status, await res.text()).toBe(202);
    // The in-process worker investigates it and writes the report under DATA_DIR.
    await until(web, "an investigated case", async () => {
      const body = (await (await fetch(`${url}/api/v1/cases`)).json()) as { items: { latestRunId: string | null }[] };
      return body.items.find((c) => c.latestRunId);
    });
    // The console page and its assets: .next/static is copied beside the standalone output.
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const asset = /\/_next\/static\/[^"']+\.(?:js|css)/.exec(await page.text())?.[0];
    expect(asset, "a /_next/static asset in the console's HTML").toBeDefined();
    expect((await fetch(`${url}${asset}`)).status, asset).toBe(200);
    web.kill("SIGTERM");
    await web.exited;
    expect(web.output()).not.toMatch(DENIED);
  }, 60_000);

  describe("with PostgreSQL and NATS", () => {
    const names = uniqueQueueNames();
    let tdb: TestDatabase;

    beforeAll(async () => {
      tdb = await createTestDatabase();
      // createTestDatabase migrates; start from an empty database as a new install does.
      for (const statement of ["drop schema public cascade", "create schema public", "drop schema if exists drizzle cascade"]) {
        await tdb.db.execute(sql.raw(statement));
      }
    });
    afterAll(async () => {
      await deleteStreams(names.prefix);
      await tdb?.drop();
    });

    it("cli: the migrate init container of k8s/deployment.yaml creates every table and exits 0", async () => {
      const tables = async () =>
        new Set(((await tdb.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`)) as unknown as { table_name: string }[]).map((r) => r.table_name));
      expect(await tables()).toEqual(new Set());
      const cli = runAsImageUser(root, containerArgs("tarka-webhook", "migrate", true), { DATABASE_URL: tdb.url, LOG_LEVEL: "warn" });
      running.push(cli);
      const code = await cli.exited;
      expect(code, cli.output()).toBe(0);
      expect(cli.output()).not.toMatch(DENIED);
      const created = await tables();
      const expected = Object.values(schema).filter((v) => is(v, PgTable)).map((t) => getTableName(t as PgTable));
      expect(expected.length).toBeGreaterThan(5);
      for (const t of expected) expect(created.has(t), t).toBe(true);
      const journal = JSON.parse(read("drizzle/meta/_journal.json")) as { entries: unknown[] };
      const [applied] = (await tdb.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as unknown as { n: number }[];
      expect(applied.n).toBe(journal.entries.length);
    }, 30_000);

    it("worker: the container args of k8s/worker-deployment.yaml answer on WORKER_PORT, and SIGTERM exits 0", async () => {
      const workerPort = await freePort();
      const dataDir = writableDir("tarka-image-data-");
      scratch.push(dataDir);
      const worker = runAsImageUser(root, containerArgs("tarka-worker", "worker"), {
        WORKER_PORT: String(workerPort),
        DATABASE_URL: tdb.url,
        ...jetStreamEnv(names),
        DATA_DIR: dataDir,
        LOG_LEVEL: "info",
      });
      running.push(worker);
      const url = `http://127.0.0.1:${workerPort}`;
      const healthz = await until(worker, "worker /healthz", async () => {
        const res = await get(`${url}/healthz`);
        return res?.ok ? await res.json() : undefined;
      });
      expect(healthz).toEqual({ status: "ok" });
      const readyz = await until(worker, "worker /readyz", async () => {
        const res = await get(`${url}/readyz`);
        return res?.ok ? await res.json() : undefined;
      });
      expect(readyz).toEqual({ ready: true, checks: { database: "ok", queue: "ok", storage: "ok" } });
      worker.kill("SIGTERM");
      expect(await worker.exited, worker.output()).toBe(0);
      expect(worker.output()).not.toMatch(DENIED);
    }, 60_000);
  });
});
