import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit";

function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 5));
}

describe("groupCommit", () => {
  it("writes the first caller at once and shares the next write among callers that arrived meanwhile", async () => {
    const writes: number[][] = [];
    const write = groupCommit<number>(async (items) => {
      writes.push(items);
      await tick();
    });
    await Promise.all([write([1]), write([2, 3]), write([4]), write([5])]);
    expect(writes).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("retries each caller alone when a shared write fails, so a bad item fails only its own caller", async () => {
    const writes: number[][] = [];
    const write = groupCommit<number>(async (items) => {
      writes.push(items);
      await tick();
      if (items.includes(-1)) throw new Error("bad item");
    });
    const results = await Promise.allSettled([write([0]), write([1]), write([-1]), write([2])]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error("bad item"));
    expect(writes).toEqual([[0], [1, -1, 2], [1], [-1], [2]]);
  });

  it("caps a batch at maxItems without splitting a caller's items", async () => {
    const writes: number[][] = [];
    const write = groupCommit<number>(async (items) => {
      writes.push(items);
      await tick();
    }, 3);
    await Promise.all([write([0]), write([1, 2]), write([3, 4]), write([5, 6, 7, 8])]);
    expect(writes).toEqual([[0], [1, 2], [3, 4], [5, 6, 7, 8]]);
  });

  it("answers an empty write without writing, and keeps working after a failure", async () => {
    let calls = 0;
    const write = groupCommit<number>(async (items) => {
      calls++;
      if (items[0] === 0) throw new Error("no");
    });
    await write([]);
    expect(calls).toBe(0);
    await expect(write([0])).rejects.toThrow("no");
    await write([1]);
    expect(calls).toBe(2);
  });
});
