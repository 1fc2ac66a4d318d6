import type { Consumer } from "./types";

/** Keeps a running consumer in the queue's set (so close() can stop it) until it is stopped itself. */
export function registeredConsumer<R extends Consumer>(runners: Set<R>, runner: R): Consumer {
  runners.add(runner);
  return {
    inFlight: runner.inFlight,
    async stop(deadlineMs) {
      await runner.stop(deadlineMs);
      runners.delete(runner);
    },
  };
}
