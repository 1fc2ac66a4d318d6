import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1";
import { envSchema } from "@/lib/env";
import { isIgnored, ops, parseDockerfile, parseDockerignore, stageEnv } from "@/test/helpers/dockerfile";
import { K8S_DIR, findObject } from "./tests/read-manifests";

// No container engine here: these checks read the Dockerfile and the files it copies.
const REPO = path.resolve(K8S_DIR, "..");
const read = (f: string) => fs.readFileSync(path.join(REPO, f), "utf8");

const dockerfile = parseDockerfile(read("Dockerfile"));
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)!;
const runtimeEnv = () => stageEnv(stage("runtime"));

const dockerignore = parseDockerignore(read(".dockerignore"));

/** Every file reachable through static and dynamic imports from `entry`, plus the bare packages it uses. */
function importClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = read(file);
    for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)["']([^"']+)["']/gm)) {
      const spec = m[1];
      if (spec.startsWith("node:") || builtinModules.includes(spec)) continue;
      if (spec.startsWith("@/") || spec.startsWith(".")) {
        const base = spec.startsWith("@/") ? spec.slice(2) : path.join(path.dirname(file), spec);
        const hit = [".ts", ".tsx", "/index.ts", ""].map((ext) => base + ext).find((f) => fs.existsSync(path.join(REPO, f)) && fs.statSync(path.join(REPO, f)).isFile());
        if (!hit) throw new Error(`${file}: cannot resolve ${spec}`);
        visit(path.normalize(hit));
      } else {
        packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
      }
    }
  };
  visit(entry);
  return { files, packages };
}

describe("Dockerfile", () => {
  it("builds in three stages from the Node 24 LTS that CI tests (.node-version)", () => {
    const pinned = read(".node-version").trim();
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    expect(dockerfile.args.NODE_IMAGE).toBe(`node:${pinned}-bookworm-slim`);
    expect(dockerfile.stages.map((s) => `${s.name}<-${s.from}`)).toEqual([
      "deps<-${NODE_IMAGE}",
      "build<-deps",
      "runtime<-${NODE_IMAGE}",
    ]);
  });

  it("installs dev dependencies too, because the build stage bundles the worker with tsx and esbuild", () => {
    const run = ops(stage("deps"), "RUN").join(" ");
    expect(run).toMatch(/npm ci\b/);
    expect(run).not.toMatch(/--omit|--only=prod|--production/);
    const pkg = JSON.parse(read("package.json")) as { devDependencies: Record<string, string>; dependencies: Record<string, string> };
    expect({ ...pkg.dependencies, ...pkg.devDependencies }.tsx).toBeDefined();
  });

  it("builds Next.js standalone output and the worker bundle, and copies what standalone leaves out", () => {
    expect(ops(stage("build"), "RUN").join(" ")).toContain("npm run build");
    const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(scripts.build.split(" && ")).toEqual(["next build", "npm run build:worker"]);
    expect(scripts["build:worker"]).toBe("tsx worker/build.ts");
    expect(read("next.config.ts")).toMatch(/output: process\.env\.TARKA_STANDALONE === "1" \? "standalone"/);
    expect(ops(stage("build"), "ENV").join(" ")).toMatch(/\bTARKA_STANDALONE=1\b/);
    const copies = ops(stage("runtime"), "COPY").filter((c) => c.startsWith("--from=build"));
    expect(copies).toEqual([
      "--from=build /app/dist/worker ./dist/worker",
      "--from=build /app/.next/standalone ./",
      "--from=build /app/.next/static ./.next/static",
      "--from=build /app/public ./public",
    ]);
    // public/ may not exist in the repo; the build stage creates it so the COPY cannot fail.
    expect(ops(stage("build"), "RUN").join(" ")).toContain("mkdir -p public");
  });

  it("runs as uid 10001 under tini, matching the pods' securityContext", () => {
    const runtime = stage("runtime");
    expect(ops(runtime, "RUN").join(" ")).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(ops(runtime, "ENTRYPOINT")).toEqual(['["/usr/bin/tini", "--"]']);
    expect(ops(runtime, "USER")).toEqual(["10001:10001"]);
    for (const name of ["tarka-webhook", "tarka-worker"]) {
      const spec = (findObject("Deployment", name) as unknown as IDeployment).spec!.template.spec!;
      expect(spec.securityContext?.runAsUser, name).toBe(10001);
      expect(spec.securityContext?.runAsGroup, name).toBe(10001);
    }
  });

  it("sets only known variables, with ports that match the manifests", () => {
    const env = runtimeEnv();
    const known = new Set([...Object.keys(envSchema.shape), "NEXT_TELEMETRY_DISABLED", "HOME"]);
    for (const key of Object.keys(env)) expect(known.has(key), key).toBe(true);
    expect(env).toMatchObject({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", HOME: "/tmp" });
    const config = findObject("ConfigMap", "tarka-config").data as Record<string, string>;
    expect(env.WORKER_PORT).toBe(config.WORKER_PORT);
    const web = (findObject("Deployment", "tarka-webhook") as unknown as IDeployment).spec!.template.spec!.containers[0];
    expect(Number(env.PORT)).toBe(web.ports![0].containerPort);
    expect(ops(stage("runtime"), "EXPOSE")).toEqual([`${env.PORT} ${env.WORKER_PORT}`]);
  });

  it("copies from the build context only files that exist and .dockerignore keeps", () => {
    const sources = ops(stage("runtime"), "COPY")
      .filter((c) => !c.startsWith("--from"))
      .flatMap((c) => c.split(" ").slice(0, -1));
    sources.push(...ops(stage("deps"), "COPY").flatMap((c) => c.split(" ").slice(0, -1)));
    expect(sources.sort()).toEqual(
      ["package.json", "package-lock.json", "package.json", "package-lock.json", "tsconfig.json", "lib", "worker", "drizzle"].sort(),
    );
    for (const s of sources) {
      expect(fs.existsSync(path.join(REPO, s)), s).toBe(true);
      expect(isIgnored(s, dockerignore), s).toBe(false);
    }
    for (const must of ["node_modules", ".next", "dist", ".git", ".env", ".env.local", "lib/env.test.ts"]) {
      expect(isIgnored(must, dockerignore), must).toBe(true);
    }
    for (const kept of ["app/page.tsx", "next.config.ts", "lib/env.ts", ".env.example"]) {
      expect(isIgnored(kept, dockerignore), kept).toBe(false);
    }
  });

  it("the worker and CLI need only lib/ and worker/ sources and declared packages", () => {
    const pkg = JSON.parse(read("package.json")) as { devDependencies: Record<string, string>; dependencies: Record<string, string> };
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
    for (const entry of ["worker/main.ts", "worker/cli.ts"]) {
      const { files, packages } = importClosure(entry);
      expect(files.size, entry).toBeGreaterThan(3);
      for (const f of files) expect(f, `${entry} imports ${f}, which the image does not contain`).toMatch(/^(lib|worker)\//);
      for (const p of packages) expect(declared.has(p), `${entry} uses undeclared package ${p}`).toBe(true);
    }
  });
});
