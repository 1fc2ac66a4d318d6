import { z } from "zod";
import { normalizedAlertSchema } from "@/lib/alerts/schema";
import { durationSchema } from "@/lib/env";
import { errorCodes, ServiceError, type ErrorCode } from "@/lib/errors";

/**
 * A recorded investigation: the alert, the clock and every provider call with its answer, so the
 * analysis can run again offline (`npm run tarka -- --replay <file>`) and print the same report.
 */
export const RECORDING_VERSION = 1;

export const recordedProviderSchema = z.enum(["metrics", "kubernetes", "logs", "alertmanager"]);
export type RecordedProvider = z.infer<typeof recordedProviderSchema>;

/** The provider contract's methods (providers/types.ts), the only calls a recording can hold. */
export const providerMethods = {
  metrics: ["instant", "range"],
  kubernetes: ["getPod", "listPods", "listEvents", "resolveOwnerWorkload", "getWorkload", "getPodLogs", "getNode", "getHorizontalPodAutoscaler", "listResourceQuotas", "getPersistentVolumeClaim", "getPersistentVolume", "listEventsByReason", "getService", "listEndpoints", "getCronJob", "listWorkloads", "listPodsByIp"],
  logs: ["fetch"],
  alertmanager: ["listAlerts", "listSilences"],
} as const satisfies Record<RecordedProvider, readonly string[]>;

const errorCodeSchema = z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]);

const callBase = {
  provider: recordedProviderSchema,
  method: z.string().min(1),
  args: z.array(z.json()),
  durationMs: z.number().nonnegative(),
};

// One of: the answer, the error the provider threw, or no answer within the timeout.
export const recordedCallSchema = z
  .union([
    z.strictObject({ ...callBase, error: z.object({ code: errorCodeSchema, message: z.string() }) }),
    z.strictObject({ ...callBase, timedOut: z.literal(true) }),
    z.strictObject({ ...callBase, result: z.json() }),
  ], { error: "expected provider, method, args, durationMs and exactly one of result, error {code, message} or timedOut: true" })
  .refine((c) => (providerMethods[c.provider] as readonly string[]).includes(c.method), {
    message: "method is not part of that provider's contract",
    path: ["method"],
  });
export type RecordedCall = z.infer<typeof recordedCallSchema>;

export const recordingSchema = z.object({
  version: z.literal(RECORDING_VERSION),
  recordedAt: z.iso.datetime(),
  /** The investigation's clock: replay runs with `now` fixed to this instant. */
  now: z.iso.datetime(),
  timeoutMs: z.number().int().positive(),
  alert: normalizedAlertSchema,
  timeWindow: durationSchema,
  clusterName: z.string().min(1).optional(),
  /** Which providers were configured; a missing one is a blocker in the report, so replay must miss it too. */
  providers: z.object({
    metrics: z.object({ kind: z.enum(["prometheus", "victoriametrics"]), baseUrl: z.string() }).nullable(),
    kubernetes: z.boolean(),
    logs: z.boolean(),
    alertmanager: z.boolean(),
  }),
  calls: z.array(recordedCallSchema),
});
export type Recording = z.infer<typeof recordingSchema>;
export type JsonValue = z.infer<ReturnType<typeof z.json>>;

/** Plain data to JSON-safe data: dates become ISO strings, non-finite numbers a tagged object. */
export function encodeValue(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? { $number: String(v) } : v)),
  );
}

export function decodeValue(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $number?: unknown }).$number === "string"
      ? Number((v as { $number: string }).$number)
      : v,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The key a call is matched by: provider, method and arguments, with object keys in a stable order. */
export function callKey(provider: RecordedProvider, method: string, args: unknown[]): string {
  return `${provider}.${method}(${JSON.stringify(sortKeys(encodeValue(args)))})`;
}

/** Parses a fixture file's text; a bad shape is refused with the first problems and where they are. */
export function parseRecording(text: string, source: string): Recording {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ServiceError("invalid_input", `${source}: not JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const parsed = recordingSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
      .join("; ");
    throw new ServiceError("invalid_input", `${source}: not a Tarka recording (version ${RECORDING_VERSION}): ${problems}`, {
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}
