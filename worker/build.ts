// npm run build:worker — bundle the worker and the CLI into dist/worker/*.mjs, run with plain node.
// Under tsx the worker started at ~250 MB RSS; one bundle without tsx starts at ~120 MB
// (docs/benchmarks.md, bench/investigate).
import path from "node:path";
import { build, type BuildOptions } from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");

export const bundleOptions: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  outExtension: { ".js": ".mjs" },
  // PGlite (embedded mode only) loads its .wasm and data files from beside its own module, so it stays
  // in node_modules. Splitting keeps dynamic imports in chunks of their own: without it, the import of
  // PGlite would be hoisted to the top of the bundle and loaded by every worker.
  external: ["@electric-sql/pglite"],
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  // Bundled CommonJS packages call require() for Node built-ins, which an ES module lacks.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  tsconfig: path.join(repo, "tsconfig.json"),
  logLevel: "warning",
};

/** dist/worker/<name>.mjs ← source; k8s/ and the Dockerfile run these. */
export const workerEntryPoints = { main: "worker/main.ts", cli: "worker/cli.ts" };

export async function bundle(input: { entryPoints: Record<string, string>; outdir: string }): Promise<void> {
  await build({ ...bundleOptions, absWorkingDir: repo, entryPoints: input.entryPoints, outdir: input.outdir });
}

if (process.argv[1] === import.meta.filename) {
  await bundle({ entryPoints: workerEntryPoints, outdir: path.join(repo, "dist/worker") });
}
