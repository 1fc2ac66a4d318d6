import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { createLogger } from "@/lib/log";
import { freePort } from "@/test/helpers/free-port";
import { startS3rver, type S3rver } from "@/test/helpers/s3rver";
import { createS3Store } from "./s3";
import type { ReportStore } from "./types";

const log = createLogger({ level: "silent" });
let s3: S3rver;
let store: ReportStore;
let raw: S3Client;

const storeFor = (overrides: { bucket?: string; endpoint?: string; secretAccessKey?: string } = {}) =>
  createS3Store({
    bucket: overrides.bucket ?? s3.bucket,
    endpoint: overrides.endpoint ?? s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: overrides.secretAccessKey ?? s3.secretAccessKey,
    forcePathStyle: true,
    log,
  });

const unique = () => `t-${randomBytes(6).toString("hex")}`;

beforeAll(async () => {
  s3 = await startS3rver();
  store = storeFor();
  raw = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
});

afterAll(async () => {
  raw?.destroy();
  await s3?.stop();
});

describe("createS3Store", () => {
  it("round-trips a JSON report and keeps its content type", async () => {
    const key = `${unique()}/2026-11-23/pod-api-crashloop-2026112308.json`;
    const body = JSON.stringify({ schemaVersion: 1, verdict: { oneLiner: "Pod api-7d9 is crash-looping — OOMKilled ✔" } });
    await store.put(key, body, "application/json");

    expect(await store.get(key)).toBe(body);
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentType).toBe("application/json");
    expect(head.ContentLength).toBe(Buffer.byteLength(body));
  });

  it("round-trips a ~1 MB markdown report byte for byte", async () => {
    const key = `${unique()}/report.md`;
    const line = "| évidence | `rate(container_cpu_usage_seconds_total[5m])` | 0.93 | ✅ |\n";
    const body = `# Triage\n\n${line.repeat(Math.ceil(1_048_576 / Buffer.byteLength(line)))}`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(1_000_000);
    await store.put(key, body, "text/markdown; charset=utf-8");

    const back = await store.get(key);
    expect(back?.length).toBe(body.length);
    expect(back === body).toBe(true);
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentType).toBe("text/markdown; charset=utf-8");
    expect(head.ContentLength).toBe(Buffer.byteLength(body));
  });

  it("overwrites an existing key", async () => {
    const key = `${unique()}/r.json`;
    await store.put(key, "{\"v\":1}", "application/json");
    await store.put(key, "{\"v\":2}", "application/json");
    expect(await store.get(key)).toBe("{\"v\":2}");
  });

  it("returns null for a missing key", async () => {
    expect(await store.get(`${unique()}/nothing-here.json`)).toBeNull();
  });

  it("lists keys under a prefix, sorted, and nothing outside it", async () => {
    const root = unique();
    const keys = [`${root}/2026-11-23/b.md`, `${root}/2026-11-23/a.json`, `${root}/2026-11-24/c.json`, `${root}-other/x.json`];
    for (const key of keys) await store.put(key, "{}", "application/json");

    expect(await store.list(`${root}/`)).toEqual([`${root}/2026-11-23/a.json`, `${root}/2026-11-23/b.md`, `${root}/2026-11-24/c.json`]);
    expect(await store.list(`${root}/2026-11-23/`)).toEqual([`${root}/2026-11-23/a.json`, `${root}/2026-11-23/b.md`]);
    expect(await store.list(`${root}/2026-11-23/a`)).toEqual([`${root}/2026-11-23/a.json`]);
    expect(await store.list(`${unique()}/`)).toEqual([]);
  });

  it("follows continuation tokens past the 1000-key page", async () => {
    const root = `${unique()}/`;
    const expected = Array.from({ length: 1005 }, (_, i) => `${root}${String(i).padStart(5, "0")}.json`);
    for (let i = 0; i < expected.length; i += 50) {
      await Promise.all(expected.slice(i, i + 50).map((key) => store.put(key, "{}", "application/json")));
    }
    const firstPage = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: root }));
    expect(firstPage.IsTruncated).toBe(true);
    expect(firstPage.Contents?.length).toBe(1000);

    expect(await store.list(root)).toEqual(expected);
  });

  it("reports readiness of the bucket", async () => {
    expect(await store.isReady()).toBe(true);
    expect(await storeFor({ bucket: unique() }).isReady()).toBe(false);
    expect(await storeFor({ endpoint: `http://127.0.0.1:${await freePort()}` }).isReady()).toBe(false);
  });

  it("throws ServiceError unavailable, naming bucket and key but not the secret, when S3 is unreachable", async () => {
    const secret = "very-secret-key-value";
    const down = storeFor({ endpoint: `http://127.0.0.1:${await freePort()}`, secretAccessKey: secret });
    const key = "reports/2026-11-23/r.json";

    for (const attempt of [() => down.get(key), () => down.put(key, "{}", "application/json"), () => down.list("reports/")]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe("unavailable");
      expect((error as ServiceError).message).toContain(`s3://${s3.bucket}/reports/`);
      expect((error as ServiceError).message).not.toContain(secret);
    }
  });

  it("treats a missing bucket as unavailable, not as a missing report", async () => {
    const bucket = unique();
    await expect(storeFor({ bucket }).get("r.json")).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringContaining(`s3://${bucket}/r.json`),
    });
  });
});
