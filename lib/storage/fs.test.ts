import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { createFsStore } from "./fs";

const scratch = mkdtempSync(path.join(os.tmpdir(), "tarka-fs-store-"));
let counter = 0;
const freshRoot = () => path.join(scratch, `root-${++counter}`);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("createFsStore", () => {
  it("round-trips JSON and a ~1 MB markdown body byte for byte, creating folders", async () => {
    const root = freshRoot();
    const store = createFsStore({ root });
    const json = JSON.stringify({ verdict: { oneLiner: "OOMKilled — ✔" } });
    const line = "| évidence | `rate(x[5m])` | 0.93 | ✅ |\n";
    const markdown = line.repeat(Math.ceil(1_048_576 / Buffer.byteLength(line)));
    await store.put("reports/2026-11-23/pod-api.json", json, "application/json");
    await store.put("reports/2026-11-23/pod-api.md", markdown, "text/markdown");

    expect(store.kind).toBe("fs");
    expect(await store.get("reports/2026-11-23/pod-api.json")).toBe(json);
    expect((await store.get("reports/2026-11-23/pod-api.md")) === markdown).toBe(true);
    expect(readFileSync(path.join(root, "reports", "2026-11-23", "pod-api.json"), "utf8")).toBe(json);
  });

  it("overwrites an existing key", async () => {
    const store = createFsStore({ root: freshRoot() });
    await store.put("a.json", "1", "application/json");
    await store.put("a.json", "2", "application/json");
    expect(await store.get("a.json")).toBe("2");
  });

  it("returns null for a missing key, a key below a file, and a folder", async () => {
    const store = createFsStore({ root: freshRoot() });
    expect(await store.get("nothing.json")).toBeNull();
    await store.put("dir/file.json", "{}", "application/json");
    expect(await store.get("dir/file.json/below")).toBeNull();
    expect(await store.get("dir")).toBeNull();
  });

  it("lists keys under a prefix, sorted, with / separators", async () => {
    const store = createFsStore({ root: freshRoot() });
    for (const key of ["p/2026-11-24/c.json", "p/2026-11-23/b.md", "p/2026-11-23/a.json", "p-other/x.json", "top.json"]) {
      await store.put(key, "{}", "application/json");
    }
    expect(await store.list("")).toEqual(["p-other/x.json", "p/2026-11-23/a.json", "p/2026-11-23/b.md", "p/2026-11-24/c.json", "top.json"]);
    expect(await store.list("p/")).toEqual(["p/2026-11-23/a.json", "p/2026-11-23/b.md", "p/2026-11-24/c.json"]);
    expect(await store.list("p")).toEqual(["p-other/x.json", "p/2026-11-23/a.json", "p/2026-11-23/b.md", "p/2026-11-24/c.json"]);
    expect(await store.list("p/2026-11-23/a")).toEqual(["p/2026-11-23/a.json"]);
    expect(await store.list("missing/")).toEqual([]);
    expect(await createFsStore({ root: freshRoot() }).list("")).toEqual([]);
  });

  it("refuses keys that escape the root or are not plain relative paths", async () => {
    const root = freshRoot();
    const store = createFsStore({ root });
    const bad = ["../escape.json", "a/../../escape.json", "/etc/passwd", "", "a//b.json", "./a.json", "a\\..\\b.json", "a\0b"];
    for (const key of bad) {
      await expect(store.put(key, "x", "text/plain"), key).rejects.toMatchObject({ code: "invalid_input" });
      await expect(store.get(key), key).rejects.toBeInstanceOf(ServiceError);
    }
    await expect(store.list("../")).rejects.toMatchObject({ code: "invalid_input" });
    expect(readdirSync(scratch)).not.toContain("escape.json");
  });

  it("writes atomically: concurrent readers see a whole old or whole new report, and no temp files remain", async () => {
    const store = createFsStore({ root: freshRoot() });
    const bodies = ["a", "b", "c", "d"].map((c) => c.repeat(4 * 1024 * 1024));
    await store.put("big.md", bodies[0], "text/markdown");

    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 12; i++) await store.put("big.md", bodies[i % bodies.length], "text/markdown");
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const seen = await store.get("big.md");
      expect(seen !== null && bodies.includes(seen)).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(await store.list("")).toEqual(["big.md"]);
  });

  it("reports readiness: true for a creatable folder, false when the root sits below a file", async () => {
    expect(await createFsStore({ root: freshRoot() }).isReady()).toBe(true);
    const file = path.join(scratch, `plain-file-${++counter}`);
    writeFileSync(file, "x");
    const broken = createFsStore({ root: path.join(file, "reports") });
    expect(await broken.isReady()).toBe(false);
    await expect(broken.put("a.json", "{}", "application/json")).rejects.toMatchObject({ code: "unavailable" });
  });
});
