import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { startS3rver, type S3rver } from "@/test/helpers/s3rver";
import { createStore } from "./create-store";

const log = createLogger({ level: "silent" });
const dataDir = mkdtempSync(path.join(os.tmpdir(), "tarka-create-store-"));
let s3: S3rver;

beforeAll(async () => {
  s3 = await startS3rver();
});

afterAll(async () => {
  await s3?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("createStore", () => {
  it("uses the filesystem under DATA_DIR/reports when S3_BUCKET is unset", async () => {
    const store = createStore({ env: loadEnv({ DATA_DIR: dataDir }), log });
    expect(store.kind).toBe("fs");
    await store.put("2026-11-23/a.json", "{\"a\":1}", "application/json");
    expect(readFileSync(path.join(dataDir, "reports", "2026-11-23", "a.json"), "utf8")).toBe("{\"a\":1}");
    expect(await store.isReady()).toBe(true);
  });

  it("uses S3 when S3_BUCKET is set, with the endpoint, credentials and path style from the environment", async () => {
    const store = createStore({ env: loadEnv({ DATA_DIR: dataDir, ...s3.env }), log });
    expect(store.kind).toBe("s3");
    expect(await store.isReady()).toBe(true);
    await store.put("tarka/2026-11-23/b.json", "{\"b\":2}", "application/json");
    expect(await store.get("tarka/2026-11-23/b.json")).toBe("{\"b\":2}");
    expect(await store.list("tarka/")).toEqual(["tarka/2026-11-23/b.json"]);
  });
});
