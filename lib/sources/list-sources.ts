import { requireRole, type Actor } from "@/lib/auth/actor";
import type { AlertSource, SourceMapping, SourcePreset } from "./config";
import { samplePayload } from "./sample-payloads";

export type SourceSummary = {
  id: string;
  preset: SourcePreset;
  path: string;
  labels: Record<string, string>;
  mapping: SourceMapping | null;
  samplePayload: string;
};

/** The configured alert sources as the admin page shows them (admins only); never their secrets. */
export function listSources({ ctx }: { ctx: { actor: Actor; sources: AlertSource[]; now: Date } }): { items: SourceSummary[] } {
  requireRole(ctx.actor, "admin");
  return {
    items: ctx.sources.map((s) => ({
      id: s.id,
      preset: s.preset,
      path: `/sources/${s.id}/ingest`,
      labels: s.labels,
      mapping: s.mappingText ?? null,
      samplePayload: samplePayload(s.preset, ctx.now),
    })),
  };
}
