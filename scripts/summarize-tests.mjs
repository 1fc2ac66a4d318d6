// Prints one closing line, "N passed, N failed", over vitest (and playwright when it ran).
import fs from "node:fs";

let passed = 0;
let failed = 0;
try {
  const v = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8"));
  passed += v.numPassedTests;
  failed += v.numFailedTests + (v.numRuntimeErrorTests ?? 0);
  if (v.numTotalTests === 0) failed += 1;
} catch {
  console.error("no vitest results found");
  failed += 1;
}
if (fs.existsSync("test-results/playwright.json")) {
  const p = JSON.parse(fs.readFileSync("test-results/playwright.json", "utf8"));
  passed += p.stats?.expected ?? 0;
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
