import path from "node:path";
import type { Env } from "@/lib/env";
import type { Logger } from "@/lib/log";
import { createFsStore } from "./fs";
import { createS3Store } from "./s3";
import type { ReportStore } from "./types";

/** S3 when S3_BUCKET is set, otherwise a folder under DATA_DIR (embedded mode). */
export function createStore({ env, log }: { env: Env; log: Logger }): ReportStore {
  if (env.S3_BUCKET) {
    return createS3Store({
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT_URL,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      log,
    });
  }
  return createFsStore({ root: path.join(env.DATA_DIR, "reports") });
}
