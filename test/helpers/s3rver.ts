import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startChildServer, type ChildServer } from "./child-server";
import { freePort } from "./free-port";

export type S3rver = {
  /** e.g. http://127.0.0.1:41234 — use with forcePathStyle, the bucket can't be a DNS label of an IP. */
  endpoint: string;
  bucket: string;
  region: string;
  /** s3rver accepts these fixed credentials. */
  accessKeyId: string;
  secretAccessKey: string;
  /** The storage variables that point `loadEnv()` at this server, for tests that build a whole runtime. */
  env: Record<string, string>;
  stop(): Promise<void>;
  /** Stop the server but keep its data and port, for `resume()` (an outage in a fault test). */
  pause(): Promise<void>;
  resume(): Promise<void>;
};

const S3RVER_BIN = path.resolve(import.meta.dirname, "../../node_modules/s3rver/bin/s3rver.js");

/**
 * Starts s3rver (an S3-protocol server from npm) on a free loopback port with a throw-away folder
 * and one empty bucket, and resolves once the bucket answers. Stable contract for other tests:
 *
 *   const s3 = await startS3rver({ bucket: "reports" });   // bucket defaults to a random name
 *   createS3Store({ bucket: s3.bucket, endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
 *                   accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, log });
 *   await s3.stop();                                        // kills the server, deletes its data
 */
export async function startS3rver(options: { bucket?: string } = {}): Promise<S3rver> {
  const bucket = options.bucket ?? `tarka-test-${randomBytes(4).toString("hex")}`;
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-s3rver-"));
  const endpoint = `http://127.0.0.1:${port}`;
  const launch = () =>
    startChildServer({
      command: process.execPath,
      // s3rver builds ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its legacy provider.
      args: ["--openssl-legacy-provider", S3RVER_BIN, "-d", dir, "-a", "127.0.0.1", "-p", String(port), "--configure-bucket", bucket, "-s"],
      readyUrl: `${endpoint}/${bucket}`,
    });
  let server: ChildServer | undefined = await launch().catch((e) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const region = "us-east-1";
  const accessKeyId = "S3RVER";
  const secretAccessKey = "S3RVER";
  return {
    endpoint,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT_URL: endpoint,
      S3_REGION: region,
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    },
    async stop() {
      await server?.stop();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
    async pause() {
      await server?.stop();
      server = undefined;
    },
    async resume() {
      server ??= await launch();
    },
  };
}
