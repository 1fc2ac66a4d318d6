import { intakeContext } from "@/lib/intake/intake-context";
import type { Env } from "@/lib/env";
import type { Runtime } from "@/lib/runtime";
import { loadSources, type AlertSource } from "./config";
import type { SourceIngestContext } from "./ingest-source-payload";

const KEY = Symbol.for("tarka.alert-sources");
type Holder = { [KEY]?: AlertSource[] };

/**
 * The web process's alert sources from HTTP_SOURCES_FILE, read once. A source may name any
 * environment variable as its `secretEnv`, so the whole environment is where secrets are looked up.
 */
export function configuredSources(env: Env, environment: Record<string, string | undefined> = process.env): AlertSource[] {
  const holder = globalThis as Holder;
  holder[KEY] ??= loadSources({ path: env.HTTP_SOURCES_FILE, secrets: { ...environment, ...pickSecrets(env) } });
  return holder[KEY];
}

function pickSecrets(env: Env): Record<string, string | undefined> {
  return { PAGERDUTY_WEBHOOK_SECRET: env.PAGERDUTY_WEBHOOK_SECRET, JIRA_WEBHOOK_SECRET: env.JIRA_WEBHOOK_SECRET };
}

/** What the source verbs need from a web runtime: the same intake context as /alerts, plus the sources. */
export function sourceIngestContext(rt: Runtime): SourceIngestContext {
  return { ...intakeContext(rt), sources: configuredSources(rt.env), jiraProjectFilter: rt.env.JIRA_PROJECT_FILTER, maxAlerts: rt.env.WEBHOOK_MAX_ALERTS, claims: rt.deliveryClaims };
}
