/**
 * The one redaction module: every text that leaves the process for a place others read (logs,
 * stored reports and errors, chat transcripts, prompts sent to a model) goes through here.
 * It removes credentials by shape, so it also catches secrets we were never told about.
 */

export const REDACTED = "[redacted]";

type Rule = { pattern: RegExp; replace: string | ((match: string, ...groups: string[]) => string) };

const secretKeyWords =
  "password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth";

const rules: Rule[] = [
  {
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: `-----BEGIN PRIVATE KEY----- ${REDACTED} -----END PRIVATE KEY-----`,
  },
  // userinfo in any URL or connection string: scheme://user:pass@host → scheme://[redacted]@host
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]+@/gi, replace: (_m, scheme: string) => `${scheme}${REDACTED}@` },
  { pattern: /\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, replace: (_m, kind: string, sp: string) => `${kind}${sp}${REDACTED}` },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, replace: REDACTED },
  { pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  { pattern: /\b(gh[pousr]_[A-Za-z0-9]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{20,}|glpat-[A-Za-z0-9_-]{20,})\b/g, replace: REDACTED },
  // key=value, key: value, "key": "value" where the key names a secret
  {
    pattern: new RegExp(
      `(["']?\\b[\\w.-]*(?:${secretKeyWords})[\\w.-]*["']?\\s*[:=]\\s*)(?:"[^"]*"|'[^']*'|[^\\s,;&"'}\\]]+)`,
      "gi",
    ),
    replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
  },
];

/** The text with credentials replaced by `[redacted]`; text without any is returned unchanged. */
export function redactText(text: string): string {
  let out = text;
  for (const rule of rules) out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
  return out;
}

/** A URL safe to print: userinfo and secret-looking query parameters removed. Invalid URLs are redacted as text. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (parsed.username || parsed.password) {
    parsed.username = "";
    parsed.password = "";
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (new RegExp(secretKeyWords, "i").test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

/** Deep copy of a JSON-like value with every string redacted and values under secret-named keys replaced. */
export function redactValue<T>(value: T): T {
  return redactAny(value, 0) as T;
}

const secretKey = new RegExp(`^(?:${secretKeyWords}|authorization|cookie|set-cookie)$|(?:password|secret|token)$`, "i");

function redactAny(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactAny(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = secretKey.test(k) && v != null && v !== "" ? REDACTED : redactAny(v, depth + 1);
  }
  return out;
}
