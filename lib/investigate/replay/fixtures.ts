import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { families } from "@/lib/alerts/family";
import { classifications } from "../vocabulary";

/** Where the recorded scenarios live: `fixtures/<name>.json`, goldens in `fixtures/golden/`. */
export const fixturesDir = fileURLToPath(new URL("../../../fixtures", import.meta.url));
export const fixtureIndexPath = join(fixturesDir, "index.json");

/** What each fixture is meant to show; the golden test holds the replayed report to it. */
export const fixtureIndexEntrySchema = z.object({
  intent: z.string().min(1),
  family: z.enum(families),
  label: z.string().min(1),
  classification: z.enum(classifications),
});
export type FixtureIndexEntry = z.infer<typeof fixtureIndexEntrySchema>;
export const fixtureIndexSchema = z.record(z.string(), fixtureIndexEntrySchema);

export function goldenPaths(name: string): { markdown: string; json: string } {
  return { markdown: join(fixturesDir, "golden", `${name}.md`), json: join(fixturesDir, "golden", `${name}.json`) };
}

/** Fixture names (file names without `.json`), sorted. */
export function listFixtures(): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith(".json") && f !== "index.json")
    .map((f) => f.slice(0, -".json".length))
    .sort();
}
