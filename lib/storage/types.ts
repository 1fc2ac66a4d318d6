/** Where reports live: S3 in production, a folder in embedded mode. Keys use `/` separators. */
export type ReportStore = {
  readonly kind: "s3" | "fs";
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The stored text, or null when there is no object at `key`. */
  get(key: string): Promise<string | null>;
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Readiness: is the bucket/folder reachable and writable? */
  isReady(): Promise<boolean>;
};
