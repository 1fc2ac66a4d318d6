import { createHash } from "node:crypto";
import type { Family } from "./family";
import type { Identity } from "./identity";

export const DEDUPE_BUCKET_MS = 4 * 3_600_000;

/** Start of the fixed 4-hour UTC bucket that `at` falls in, as an ISO string. */
export function dedupeBucket(at: Date): string {
  return new Date(Math.floor(at.getTime() / DEDUPE_BUCKET_MS) * DEDUPE_BUCKET_MS).toISOString();
}

/** sha256 of {identity, family, alertname, bucket}: one report per key (docs/architecture.md, "Dedupe and claims"). */
export function dedupeKey(input: { identity: Identity; family: Family; alertname: string; bucket: string }): string {
  return createHash("sha256")
    .update(JSON.stringify([input.identity.key, input.family, input.alertname, input.bucket]))
    .digest("hex");
}

/**
 * `<prefix>/<YYYY-MM-DD>/<identity-slug>-<family>-<bucket>-<dedupe key>` without extension
 * (docs/report-schema.md, "Storage keys"). The slug is for people and may be shared by two
 * identities (`PAYMENTS/API_1` and `payments/api-1`); the dedupe key makes the name unique to one
 * identity, family, alertname and bucket, so no investigation writes over another's report.
 */
export function reportBaseKey(input: { prefix: string; identity: Identity; family: Family; bucket: string; dedupeKey: string }): string {
  const day = input.bucket.slice(0, 10);
  const bucketSlug = input.bucket.slice(0, 13).replace(/[-:]/g, "").replace("T", "t");
  const prefix = input.prefix.replace(/^\/+|\/+$/g, "");
  const name = `${input.identity.slug}-${input.family}-${bucketSlug}-${input.dedupeKey}`;
  return prefix ? `${prefix}/${day}/${name}` : `${day}/${name}`;
}
