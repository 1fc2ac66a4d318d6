import { describe, expect, it } from "vitest";
import { runChaos } from "@/bench/chaos/chaos";

describe("chaos: a storm through web + 2 workers while a worker is SIGKILLed, nats-server and PostgreSQL restart and s3rver stops", () => {
  it("ends every accepted alert as one report or a recorded skip (dead letters replayed), with 503s only during outages", async () => {
    const result = await runChaos({
      alerts: 300,
      senders: 6,
      natsDownSeconds: 3,
      postgresDownSeconds: 3,
      s3DownSeconds: 8,
      graceSeconds: 10,
      drainTimeoutMs: 240_000,
    });
    expect(result.problems).toEqual([]);
    expect(result.accepted).toBe(300);
    expect(result.reported + result.skipped).toBe(300);
  }, 600_000);
});
