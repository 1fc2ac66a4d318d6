import { describe, expect, it } from "vitest";
import { runClusterStorm } from "@/bench/cluster/storm";

describe("a storm through web + 2 workers on a 3-node JetStream cluster, stream leader SIGKILLed mid-storm", () => {
  it("ends every accepted alert as exactly one report, with no dedupe key investigated twice", async () => {
    const result = await runClusterStorm({ alerts: 240, senders: 6, killAfter: 80, downSeconds: 5 });
    expect(result.problems).toEqual([]);
    expect(result.accepted).toBe(240);
    expect(result.reported).toBe(240);
  }, 600_000);
});
