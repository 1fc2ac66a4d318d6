import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { errorMessage, ServiceError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { ReportStore } from "./types";

export type S3StoreOptions = {
  bucket: string;
  /** Custom endpoint (MinIO, Ceph, s3rver); unset means AWS. */
  endpoint?: string;
  region: string;
  /** Both or neither; neither means the SDK's default chain (IRSA, instance profile, AWS_* env). */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  log: Logger;
};

/** Reports in an S3 bucket. Keys are used as given: the caller already includes S3_PREFIX. */
export function createS3Store(options: S3StoreOptions): ReportStore {
  const { bucket, log } = options;
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    // With the default (WHEN_SUPPORTED) streamed bodies go out aws-chunked, which S3-compatible
    // servers such as s3rver store with the chunk framing in the bytes.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
  });

  const unavailable = (action: string, target: string, e: unknown) =>
    new ServiceError("unavailable", `S3 ${action} s3://${bucket}/${target} failed: ${describe(e)}`, { cause: e });

  return {
    kind: "s3",

    async put(key, body, contentType) {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      } catch (e) {
        throw unavailable("put", key, e);
      }
    },

    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return res.Body ? await res.Body.transformToString("utf-8") : "";
      } catch (e) {
        if (isMissingKey(e)) return null;
        throw unavailable("get", key, e);
      }
    },

    async list(prefix) {
      const keys: string[] = [];
      let continuationToken: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }),
          );
          for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
          continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (continuationToken);
      } catch (e) {
        throw unavailable("list", `${prefix}*`, e);
      }
      return keys.sort();
    },

    async isReady() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch (e) {
        log.warn({ bucket, err: describe(e) }, "report bucket is not reachable");
        return false;
      }
    },
  };
}

/** NoSuchBucket is also a 404, but it means misconfiguration, not a missing report. */
function isMissingKey(e: unknown): boolean {
  if (!(e instanceof S3ServiceException)) return false;
  if (e.name === "NoSuchBucket") return false;
  return e.name === "NoSuchKey" || e.$metadata.httpStatusCode === 404;
}

function describe(e: unknown): string {
  if (e instanceof S3ServiceException) {
    const status = e.$metadata.httpStatusCode;
    return `${e.name}${status ? ` (HTTP ${status})` : ""}: ${e.message}`;
  }
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? `${code}: ${errorMessage(e)}` : errorMessage(e);
}
