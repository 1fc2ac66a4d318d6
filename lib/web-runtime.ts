import { env } from "@/lib/env";
import { createRuntime, type Runtime } from "@/lib/runtime";

/**
 * The web process's runtime. Route handlers and instrumentation.ts are bundled separately by
 * Next.js, so the one instance lives on globalThis; a failed start is not cached, the next request retries.
 */
const KEY = Symbol.for("tarka.web-runtime");
type Holder = { [KEY]?: Promise<Runtime> };

export function getWebRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    holder[KEY] = createRuntime({ env: env(), name: "web" }).catch((e: unknown) => {
      delete holder[KEY];
      throw e;
    });
  }
  return holder[KEY];
}
