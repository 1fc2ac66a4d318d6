import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { compileMapping, type CompiledMapping } from "./generic-mapping";

export const sourcePresets = ["grafana", "pagerduty", "jira", "generic"] as const;
export type SourcePreset = (typeof sourcePresets)[number];

/** The environment variable a preset's secret is read from when the source names neither `secret` nor `secretEnv`. */
const defaultSecretEnv: Partial<Record<SourcePreset, string>> = {
  pagerduty: "PAGERDUTY_WEBHOOK_SECRET",
  jira: "JIRA_WEBHOOK_SECRET",
};

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const mappingSchema = z
  .object({
    alerts: z.string().min(1).optional(),
    fingerprint: z.string().min(1).optional(),
    alertname: z.string().min(1),
    status: z.string().min(1).optional(),
    labels: z.string().min(1).optional(),
    annotations: z.string().min(1).optional(),
    startsAt: z.string().min(1).optional(),
    endsAt: z.string().min(1).optional(),
  })
  .strict();

export type SourceMapping = z.infer<typeof mappingSchema>;

const sourceEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: "expected lowercase letters, digits and dashes (at most 63)" }),
    preset: z.enum(sourcePresets),
    secret: z.string().min(16, { message: "expected at least 16 characters" }).optional(),
    secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: "expected an environment variable name" }).optional(),
    mapping: mappingSchema.optional(),
    labels: z
      .record(z.string().regex(labelName, { message: "expected a Prometheus label name" }), z.string().max(1024))
      .default({}),
  })
  .strict();

const sourcesFileSchema = z.object({ sources: z.array(sourceEntrySchema) }).strict();

/** A configured inbound alert source, secret resolved and mapping compiled. */
export type AlertSource = {
  id: string;
  preset: SourcePreset;
  secret: string;
  labels: Record<string, string>;
  mapping?: CompiledMapping;
  /** The mapping's expressions as written, shown on the admin page. */
  mappingText?: SourceMapping;
};

export class SourcesConfigError extends Error {}

/**
 * Read and validate the HTTP_SOURCES_FILE. Every problem names the file, the source and the field,
 * so a wrong file stops the process at start rather than failing the first request.
 */
export function loadSources({
  path,
  secrets,
}: {
  path: string | undefined;
  secrets: Record<string, string | undefined>;
}): AlertSource[] {
  if (!path) return [];
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new SourcesConfigError(`HTTP_SOURCES_FILE ${path}: ${(e as Error).message}`);
  }
  return parseSources(raw, secrets, `HTTP_SOURCES_FILE ${path}`);
}

export function parseSources(raw: unknown, secrets: Record<string, string | undefined>, where: string): AlertSource[] {
  const parsed = sourcesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${describePath(raw, i.path)}: ${i.message}`);
    throw new SourcesConfigError(`${where} is invalid:\n${lines.join("\n")}`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const sources: AlertSource[] = [];
  for (const entry of parsed.data.sources) {
    const at = `source "${entry.id}"`;
    if (seen.has(entry.id)) problems.push(`  ${at}: id: used by another source`);
    seen.add(entry.id);
    if (entry.secret && entry.secretEnv) problems.push(`  ${at}: secret: give secret or secretEnv, not both`);
    const envName = entry.secretEnv ?? (entry.secret ? undefined : defaultSecretEnv[entry.preset]);
    const secret = entry.secret ?? (envName ? secrets[envName]?.trim() : undefined);
    if (!secret) {
      problems.push(
        envName
          ? `  ${at}: secretEnv: environment variable ${envName} is not set`
          : `  ${at}: secret: a secret or secretEnv is required`,
      );
    } else if (entry.preset === "generic" && !/^whsec_[A-Za-z0-9+/=]{16,}$/.test(secret)) {
      problems.push(`  ${at}: secret: the generic preset needs a Standard Webhooks secret (whsec_ followed by base64)`);
    }
    if (entry.preset === "generic" && !entry.mapping) problems.push(`  ${at}: mapping: required for the generic preset`);
    if (entry.preset !== "generic" && entry.mapping) problems.push(`  ${at}: mapping: only the generic preset takes a mapping`);
    let mapping: CompiledMapping | undefined;
    if (entry.mapping) {
      try {
        mapping = compileMapping(entry.mapping);
      } catch (e) {
        problems.push(`  ${at}: mapping.${(e as Error).message}`);
      }
    }
    sources.push({
      id: entry.id,
      preset: entry.preset,
      secret: secret ?? "",
      labels: entry.labels,
      ...(mapping ? { mapping, mappingText: entry.mapping } : {}),
    });
  }
  if (problems.length > 0) throw new SourcesConfigError(`${where} is invalid:\n${problems.join("\n")}`);
  return sources;
}

/** `sources[2].mapping.alertname` → `source "uptime": mapping.alertname`, when the entry has an id. */
function describePath(raw: unknown, path: PropertyKey[]): string {
  if (path[0] === "sources" && typeof path[1] === "number") {
    const entry = (raw as { sources?: unknown[] })?.sources?.[path[1]] as { id?: unknown } | undefined;
    const rest = path.slice(2).map(String).join(".") || "(entry)";
    const name = typeof entry?.id === "string" ? `source "${entry.id}"` : `sources[${path[1]}]`;
    return `${name}: ${rest}`;
  }
  return path.map(String).join(".") || "(root)";
}
