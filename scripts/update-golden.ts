// npx tsx scripts/update-golden.ts [name…] — rewrite fixtures/golden/* by replaying the recorded fixtures.
//
// For an intended change in the engine's output: review `git diff fixtures/golden` afterwards.
// fixtures/index.json (what each scenario is meant to show) is not touched; the golden test still
// holds every replay to it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "@/lib/log";
import { fixturesDir, goldenPaths, listFixtures } from "@/lib/investigate/replay/fixtures";
import { parseRecording } from "@/lib/investigate/replay/recording";
import { replayInvestigation } from "@/lib/investigate/replay/replay-investigation";

async function main(): Promise<void> {
  const all = listFixtures();
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`unknown fixture(s): ${unknown.join(", ")} (have: ${all.join(", ")})`);
  const log = createLogger({ level: "silent" });
  for (const name of names.length ? names : all) {
    const file = join(fixturesDir, `${name}.json`);
    const report = await replayInvestigation({ ctx: { log }, input: { recording: parseRecording(readFileSync(file, "utf8"), file), source: file } });
    const golden = goldenPaths(name);
    writeFileSync(golden.markdown, report.markdown);
    writeFileSync(golden.json, `${JSON.stringify(report.json, null, 2)}\n`);
    console.log(`${name}: ${report.json.family} ${report.json.analysis.enrichment.label} ${report.json.analysis.verdict.classification}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
