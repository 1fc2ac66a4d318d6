import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import { checkReadiness, type Runtime } from "./runtime";

describe("checkReadiness", () => {
  it("names the failing checks without their exception text, which goes to the log", async () => {
    const lines: string[] = [];
    const fail = (message: string) => async () => {
      throw new Error(message);
    };
    const runtime = {
      log: createLogger({ destination: { write: (l: string) => lines.push(l) } }),
      database: { db: { execute: fail('connect ECONNREFUSED 10.1.2.3:5432 (role "tarka")') } },
      queue: { isReady: fail("nats: stream TARKA_ALERTS not found at nats://10.1.2.4:4222") },
      store: { isReady: async () => false },
    } as unknown as Runtime;
    const result = await checkReadiness(runtime);
    expect(result).toEqual({ ready: false, checks: { database: "unavailable", queue: "unavailable", storage: "not ready" } });
    expect(lines.join("")).toContain("ECONNREFUSED 10.1.2.3:5432");
    expect(lines.join("")).toContain("TARKA_ALERTS not found");
  });
});
