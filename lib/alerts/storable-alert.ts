import { LABEL_NAME_MAX_BYTES, LABEL_VALUE_MAX_BYTES, loneSurrogate, utf8Bytes, type AlertmanagerAlert } from "./schema";

const MAX_LABELS = 64;
const loneSurrogates = new RegExp(loneSurrogate.source, "g");

/** `s` without NUL bytes or unpaired surrogates, cut to at most `maxBytes` of UTF-8 on a character boundary. */
export function storable(s: string, maxBytes: number): string {
  const clean = s.replace(/\0/g, "").replace(loneSurrogates, "\uFFFD");
  if (utf8Bytes(clean) <= maxBytes) return clean;
  let out = "";
  let bytes = 0;
  for (const ch of clean) {
    bytes += utf8Bytes(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/**
 * What the receipt ledger can hold of an alert the schema refused: its string labels made storable
 * and bounded, its fingerprint when that is usable, nothing else. The alert is recorded as refused
 * with the schema's reason, never investigated.
 */
export function storableRefusedAlert(raw: unknown): AlertmanagerAlert {
  const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const labels: Record<string, string> = {};
  if (typeof given.labels === "object" && given.labels !== null) {
    for (const [name, value] of Object.entries(given.labels)) {
      if (Object.keys(labels).length >= MAX_LABELS) break;
      const key = storable(name, LABEL_NAME_MAX_BYTES);
      if (key && typeof value === "string") labels[key] = storable(value, LABEL_VALUE_MAX_BYTES);
    }
  }
  const fingerprint = typeof given.fingerprint === "string" ? storable(given.fingerprint, LABEL_NAME_MAX_BYTES).trim() : "";
  return {
    labels: Object.keys(labels).length > 0 ? labels : { alertname: "unknown" },
    annotations: {},
    ...(fingerprint ? { fingerprint } : {}),
  };
}
