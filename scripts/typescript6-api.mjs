// ESLint's TypeScript parser and dependency-cruiser read code through TypeScript's JavaScript API,
// which TypeScript 7 (the native compiler that `tsc` and `next build` use here) does not ship. The
// lint tools alone load this module (eslint.config.mjs, `node --import` in `npm run lint`), and get
// TypeScript 6's API, installed under the alias `typescript6`.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    const isTypeScript = specifier === "typescript" || specifier.startsWith("typescript/");
    return nextResolve(isTypeScript ? specifier.replace("typescript", "typescript6") : specifier, context);
  },
});
