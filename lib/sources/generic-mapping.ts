import jsonata from "jsonata";
import { labelFingerprint } from "@/lib/alerts/normalize";
import { ServiceError } from "@/lib/errors";
import { boundAnnotations, boundLabels, type MappedAlert } from "./mapped-alert";

const fields = ["alerts", "fingerprint", "alertname", "status", "labels", "annotations", "startsAt", "endsAt"] as const;
type Field = (typeof fields)[number];

export type CompiledMapping = Partial<Record<Field, jsonata.Expression>>;

const MAX_EXPRESSION_CHARS = 4096;
/**
 * Per field evaluation: a mapping is configuration, not a program. Generous, because the limit is
 * wall-clock time and a busy node stalls a cheap evaluation for tens of milliseconds.
 */
const TIME_LIMIT_MS = 1_000;
const MAX_DEPTH = 200;
const MAX_RESULT_CHARS = 64 * 1024;
const MAX_ALERTS = 500;

/** Compile every jsonata expression of a generic source; a bad one throws "<field>: <why>". */
export function compileMapping(mapping: Partial<Record<Field, string>>): CompiledMapping {
  const compiled: CompiledMapping = {};
  for (const field of fields) {
    const text = mapping[field];
    if (text === undefined) continue;
    if (text.length > MAX_EXPRESSION_CHARS) throw new Error(`${field}: longer than ${MAX_EXPRESSION_CHARS} characters`);
    try {
      // jsonata's own guardrails: each evaluation stops after TIME_LIMIT_MS or MAX_DEPTH nested calls.
      compiled[field] = jsonata(text, { timeout: TIME_LIMIT_MS, stack: MAX_DEPTH });
    } catch (e) {
      throw new Error(`${field}: ${jsonataMessage(e)}`);
    }
  }
  return compiled;
}

function jsonataMessage(e: unknown): string {
  const err = e as { message?: string; position?: number };
  return `${err.message ?? String(e)}${typeof err.position === "number" ? ` (at character ${err.position})` : ""}`;
}

async function evaluate(field: Field, expression: jsonata.Expression, input: unknown): Promise<unknown> {
  let value: unknown;
  try {
    value = await expression.evaluate(input);
  } catch (e) {
    throw new ServiceError("invalid_input", `mapping.${field}: ${jsonataMessage(e)}`, { details: { field } });
  }
  if (value !== undefined && JSON.stringify(value).length > MAX_RESULT_CHARS) {
    throw new ServiceError("invalid_input", `mapping.${field}: result larger than ${MAX_RESULT_CHARS} characters`, { details: { field } });
  }
  return value;
}

function asText(field: Field, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  throw new ServiceError("invalid_input", `mapping.${field}: expected a string, got ${Array.isArray(value) ? "an array" : typeof value}`, {
    details: { field },
  });
}

function asObject(field: Field, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ServiceError("invalid_input", `mapping.${field}: expected an object of names to values`, { details: { field } });
}

function asTime(field: Field, value: unknown): string | undefined {
  const text = asText(field, value);
  if (text === undefined || text === "") return undefined;
  const t = typeof value === "number" ? value : Date.parse(text);
  if (Number.isNaN(t)) throw new ServiceError("invalid_input", `mapping.${field}: "${text.slice(0, 64)}" is not a timestamp`, { details: { field } });
  return new Date(t).toISOString();
}

/**
 * Map a generic JSON payload with its source's jsonata expressions. `alerts` selects the items (the
 * whole payload when absent); every other field is evaluated against each item. Any failure is a
 * ServiceError("invalid_input") naming the field, answered 400 to the sender.
 */
export async function mapGenericPayload(mapping: CompiledMapping, payload: unknown): Promise<MappedAlert[]> {
  const selected = mapping.alerts ? await evaluate("alerts", mapping.alerts, payload) : payload;
  const items = selected === undefined ? [] : Array.isArray(selected) ? selected : [selected];
  if (items.length > MAX_ALERTS) throw new ServiceError("invalid_input", `mapping.alerts: more than ${MAX_ALERTS} alerts`, { details: { field: "alerts" } });
  const alerts: MappedAlert[] = [];
  for (const item of items) {
    const value = async (field: Field) => {
      const expression = mapping[field];
      return expression ? evaluate(field, expression, item) : undefined;
    };
    const alertname = asText("alertname", await value("alertname"));
    if (!alertname) throw new ServiceError("invalid_input", "mapping.alertname: evaluated to nothing", { details: { field: "alertname" } });
    const status = asText("status", await value("status")) ?? "firing";
    if (status !== "firing" && status !== "resolved") {
      throw new ServiceError("invalid_input", `mapping.status: expected "firing" or "resolved", got "${status.slice(0, 32)}"`, {
        details: { field: "status" },
      });
    }
    const labels = boundLabels(asObject("labels", await value("labels")));
    alerts.push({
      key: asText("fingerprint", await value("fingerprint")) ?? labelFingerprint({ ...labels, alertname }),
      alertname: alertname.slice(0, 256),
      status,
      labels,
      annotations: boundAnnotations(asObject("annotations", await value("annotations"))),
      startsAt: asTime("startsAt", await value("startsAt")),
      endsAt: asTime("endsAt", await value("endsAt")),
    });
  }
  return alerts;
}
