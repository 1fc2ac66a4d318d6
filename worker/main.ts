// npm run worker — consumes alert jobs, investigates, writes reports, indexes cases.
// Shipped as dist/worker/main.mjs (worker/build.ts); `node --import tsx worker/main.ts` runs the source.
import { runWorker } from "./run-worker";

runWorker().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
