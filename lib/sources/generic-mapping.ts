import jsonata from "jsonata";
import { labelFingerprint } from "@/lib/alerts/normalize";
import { ServiceError } from "@/lib/errors";
import { boundAnnotations, boundLabels, type MappedAlert } from "./mapped-alert";
import { NOT_PLAIN, compilePlain } from "./plain-mapping";

const fields = ["alerts", "fingerprint", "alertname", "status", "labels", "annotations", "startsAt", "endsAt"] as const;
type Field = (typeof fields)[number];

type ItemField = Exclude<Field, "alerts">;
const itemFields = fields.filter((f): f is ItemField => f !== "alerts");

export type CompiledMapping = {
  fields: Partial<Record<Field, jsonata.Expression>>;
  /**
   * Every per-alert field in one object constructor: one evaluation per alert instead of one per
   * field (each evaluation pays jsonata's set-up and time-limit guard; together they were a fifth of
   * a signed request). A failure is evaluated again field by field, to name the field.
   */
  item: jsonata.Expression | null;
  /** The same, read straight off plain objects when every expression is plain (see plain-mapping.ts). */
  plain: { alerts: ((payload: Record<string, unknown>) => unknown) | null; item: ((item: Record<string, unknown>) => unknown) | null };
};

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
  // jsonata's own guardrails: each evaluation stops after TIME_LIMIT_MS or MAX_DEPTH nested calls.
  const options = { timeout: TIME_LIMIT_MS, stack: MAX_DEPTH };
  const compiled: CompiledMapping = { fields: {}, item: null, plain: { alerts: null, item: null } };
  for (const field of fields) {
    const text = mapping[field];
    if (text === undefined) continue;
    if (text.length > MAX_EXPRESSION_CHARS) throw new Error(`${field}: longer than ${MAX_EXPRESSION_CHARS} characters`);
    try {
      compiled.fields[field] = jsonata(text, options);
    } catch (e) {
      throw new Error(`${field}: ${jsonataMessage(e)}`);
    }
  }
  // Each expression compiled on its own above, so each is whole inside its parentheses.
  const present = itemFields.filter((f) => mapping[f] !== undefined);
  if (present.length > 0) compiled.item = jsonata(`{ ${present.map((f) => `"${f}": (${mapping[f]}\n)`).join(", ")} }`, options);
  if (compiled.fields.alerts) compiled.plain.alerts = compilePlain(compiled.fields.alerts, { lists: true });
  const plainFields = present.map((f) => [f, compilePlain(compiled.fields[f] as jsonata.Expression)] as const);
  if (plainFields.length > 0 && plainFields.every(([, plain]) => plain)) {
    compiled.plain.item = (item) => {
      const values: Record<string, unknown> = {};
      for (const [field, plain] of plainFields) {
        const value = plain!(item);
        if (value === NOT_PLAIN) return NOT_PLAIN;
        values[field] = value;
      }
      return values;
    };
  }
  return compiled;
}

function jsonataMessage(e: unknown): string {
  const err = e as { message?: string; position?: number };
  return `${err.message ?? String(e)}${typeof err.position === "number" ? ` (at character ${err.position})` : ""}`;
}

function assertSize(field: Field, value: unknown): void {
  if (value !== undefined && JSON.stringify(value).length > MAX_RESULT_CHARS) {
    throw new ServiceError("invalid_input", `mapping.${field}: result larger than ${MAX_RESULT_CHARS} characters`, { details: { field } });
  }
}

async function evaluate(field: Field, expression: jsonata.Expression, input: unknown): Promise<unknown> {
  let value: unknown;
  try {
    value = await expression.evaluate(input);
  } catch (e) {
    throw new ServiceError("invalid_input", `mapping.${field}: ${jsonataMessage(e)}`, { details: { field } });
  }
  assertSize(field, value);
  return value;
}

/** The per-alert fields of one item. An array item is mapped field by field: an object constructor would group over its elements. */
async function evaluateItem(mapping: CompiledMapping, item: unknown): Promise<Partial<Record<ItemField, unknown>>> {
  if (mapping.plain.item && isPlainObject(item)) {
    const values = mapping.plain.item(item) as Partial<Record<ItemField, unknown>> | typeof NOT_PLAIN;
    if (values !== NOT_PLAIN) {
      for (const field of itemFields) assertSize(field, values[field]);
      return values;
    }
  }
  if (mapping.item && isPlainObject(item)) {
    const values = (await mapping.item.evaluate(item).catch(() => null)) as Partial<Record<ItemField, unknown>> | null;
    if (values) {
      for (const field of itemFields) assertSize(field, values[field]);
      return values;
    }
  }
  const values: Partial<Record<ItemField, unknown>> = {};
  for (const field of itemFields) {
    const expression = mapping.fields[field];
    if (expression) values[field] = await evaluate(field, expression, item);
  }
  return values;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
  // A number is milliseconds since the epoch; one beyond ±8.64e15 is no date at all (and toISOString would throw).
  const at = new Date(typeof value === "number" ? value : Date.parse(text));
  if (Number.isNaN(at.getTime())) throw new ServiceError("invalid_input", `mapping.${field}: "${text.slice(0, 64)}" is not a timestamp`, { details: { field } });
  return at.toISOString();
}

/**
 * Map a generic JSON payload with its source's jsonata expressions. `alerts` selects the items (the
 * whole payload when absent); every other field is evaluated against each item. Any failure is a
 * ServiceError("invalid_input") naming the field, answered 400 to the sender.
 */
export async function mapGenericPayload(mapping: CompiledMapping, payload: unknown): Promise<MappedAlert[]> {
  const plainSelected = mapping.plain.alerts && isPlainObject(payload) ? mapping.plain.alerts(payload) : NOT_PLAIN;
  if (plainSelected !== NOT_PLAIN) assertSize("alerts", plainSelected);
  const selected =
    plainSelected !== NOT_PLAIN ? plainSelected : mapping.fields.alerts ? await evaluate("alerts", mapping.fields.alerts, payload) : payload;
  const items = selected === undefined ? [] : Array.isArray(selected) ? selected : [selected];
  if (items.length > MAX_ALERTS) throw new ServiceError("invalid_input", `mapping.alerts: more than ${MAX_ALERTS} alerts`, { details: { field: "alerts" } });
  const alerts: MappedAlert[] = [];
  for (const item of items) {
    const value = await evaluateItem(mapping, item);
    const alertname = asText("alertname", value.alertname);
    if (!alertname) throw new ServiceError("invalid_input", "mapping.alertname: evaluated to nothing", { details: { field: "alertname" } });
    const status = asText("status", value.status) ?? "firing";
    if (status !== "firing" && status !== "resolved") {
      throw new ServiceError("invalid_input", `mapping.status: expected "firing" or "resolved", got "${status.slice(0, 32)}"`, {
        details: { field: "status" },
      });
    }
    const labels = boundLabels(asObject("labels", value.labels));
    alerts.push({
      key: asText("fingerprint", value.fingerprint) ?? labelFingerprint({ ...labels, alertname }),
      alertname: alertname.slice(0, 256),
      status,
      labels,
      annotations: boundAnnotations(asObject("annotations", value.annotations)),
      startsAt: asTime("startsAt", value.startsAt),
      endsAt: asTime("endsAt", value.endsAt),
    });
  }
  return alerts;
}
