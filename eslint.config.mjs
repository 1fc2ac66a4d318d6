import "./scripts/typescript6-api.mjs";
import drizzle from "eslint-plugin-drizzle";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/** lib/ modules that client components may import values from: plain data and pure functions. */
const universalLibModules = ["auth/csrf-header", "auth/roles", "db/schema/constants", "investigate/log-patterns", "investigate/units", "investigate/vocabulary"];

/** Client components live in components/, so the import rules below cover every one of them. */
const useClientOnlyInComponents = {
  meta: { type: "problem", messages: { outside: '"use client" modules belong in components/, where the client import rules apply.' } },
  create(context) {
    return {
      Program(program) {
        const first = program.body[0];
        if (first?.type === "ExpressionStatement" && first.directive === "use client") context.report({ node: first, messageId: "outside" });
      },
    };
  },
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    plugins: { drizzle },
    rules: {
      // `_`-prefixed bindings are deliberate: a rest sibling that leaves a field out, a parameter a
      // signature needs but the body does not use.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
    },
  },
  {
    plugins: { tarka: { rules: { "use-client-only-in-components": useClientOnlyInComponents } } },
    rules: { "tarka/use-client-only-in-components": "error" },
    ignores: ["components/**"],
  },
  {
    // Client components ("use client" lives only here) run in the browser: types from lib/, values only
    // from its universal modules — never the db, env, runtime or a verb (docs/architecture.md, "Boundaries").
    files: ["components/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [{ name: "server-only", message: "components/ is client code." }],
          patterns: [
            {
              regex: `^@/lib/(?!(${universalLibModules.join("|")})$)`,
              allowTypeImports: true,
              message: "Client code imports types from lib/; values only from its universal modules (eslint.config.mjs).",
            },
            { group: ["@/app/**", "**/lib/**", "!@/lib/**"], message: "Client code imports lib/ through @/lib, and never app/." },
          ],
        },
      ],
    },
  },
  {
    // lib/ is shared by the web process, the worker and the tests: no Next.js request APIs, and
    // `server-only` only at the Next.js edge (app/), since it throws outside Next's server bundle.
    files: ["lib/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "server-only", message: "server-only belongs in app/ (the Next.js edge); the worker and the tests import lib/." },
            { name: "next/headers", message: "Take the cookies or headers as an argument; lib/ runs outside Next.js too." },
            { name: "next/navigation", message: "Redirects belong in app/." },
          ],
          patterns: [{ group: ["@/app/**", "@/components/**"], message: "lib/ sits below app/ and components/." }],
        },
      ],
    },
  },
  globalIgnores(["**/.next/**", "dist/**", "**/next-env.d.ts", ".tools/**", "test-results/**", "playwright-report/**", "node_modules/**", "next-env.d.ts"]),
]);
