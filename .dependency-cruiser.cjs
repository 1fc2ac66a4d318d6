/**
 * `npm run lint` runs this after ESLint. lib/ folders are layers (docs/architecture.md, "Boundaries"):
 * no folder may depend, directly or through others, on a folder that depends on it. Cycles inside one
 * folder (lib/investigate ↔ lib/investigate/families) and through lib/'s own files (errors.ts,
 * runtime.ts) are not folder cycles.
 * @type {import("dependency-cruiser").IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycle-between-lib-folders",
      severity: "error",
      comment: "Move the shared piece (a type, a constant) down to the lower folder, or the verb up to the higher one.",
      scope: "folder",
      from: { path: "^(lib/[^/]+)" },
      to: { pathNot: ["^$1(/|$)", "^lib$"], circular: true },
    },
  ],
  options: {
    includeOnly: "^lib/",
    exclude: { path: "\\.test\\.tsx?$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
