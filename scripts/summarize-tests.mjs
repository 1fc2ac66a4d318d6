// Prints the failed tests by name, then one closing line, "N passed, N failed", over vitest (and
// playwright when it ran). The names come last because CI logs are often read from the tail only.
import fs from "node:fs";
import path from "node:path";

let passed = 0;
let failed = 0;
const failures = [];
try {
  const v = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8"));
  passed += v.numPassedTests;
  failed += v.numFailedTests + (v.numRuntimeErrorTests ?? 0);
  if (v.numTotalTests === 0) failed += 1;
  for (const file of v.testResults ?? []) {
    const where = path.relative(process.cwd(), file.name);
    const failedHere = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failedHere) {
      const why = (t.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300);
      failures.push(`${where} › ${t.fullName}${why ? ` — ${why}` : ""}`);
    }
    if (file.status === "failed" && failedHere.length === 0) {
      failures.push(`${where} — ${(file.message ?? "failed outside a test").split("\n")[0].slice(0, 300)}`);
    }
  }
} catch {
  console.error("no vitest results found");
  failed += 1;
}
if (fs.existsSync("test-results/playwright.json")) {
  const p = JSON.parse(fs.readFileSync("test-results/playwright.json", "utf8"));
  passed += p.stats?.expected ?? 0;
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
  const walk = (suite, trail) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === "unexpected" || test.status === "flaky") {
          failures.push(`${spec.file} › ${[...trail, spec.title].join(" › ")} (${test.status})`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, suite.title && !suite.title.endsWith(".ts") ? [...trail, suite.title] : trail);
  };
  for (const suite of p.suites ?? []) walk(suite, []);
}
for (const f of failures) console.log(`FAILED ${f}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
