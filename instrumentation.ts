// Runs once when the Next.js server starts: validate configuration, open the runtime, and in
// embedded mode start the worker loop in this process.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { EnvError, env } = await import("@/lib/env");
  try {
    env();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const { startEmbeddedWorker } = await import("@/lib/jobs/start-embedded-worker");
  await startEmbeddedWorker();
}
