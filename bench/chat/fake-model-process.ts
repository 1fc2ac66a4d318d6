// The fake model for bench/chat in a process of its own, as a real model runs elsewhere: its scripted
// waits must not stretch when the load generator's event loop is busy (both shared one loop before,
// and that lag counted as Tarka's overhead). Prints its URL on stdout, then serves until killed.
import { startFakeLlm } from "@/test/helpers/fake-llm";

// argv: delay before each reply (ms), delay between text chunks (ms), the question answered without a tool call.
const delayMs = Number(process.argv[2]);
const chunkDelayMs = Number(process.argv[3]);
const llm = await startFakeLlm();
/** The question that is answered at once; every other asks for a report section first. */
const noToolQuestion = process.argv[4];
const answer = "The container is killed for memory; raise the limit or find the leak.";

llm.script((req) => {
  // The bench sends thousands of requests; the helper keeps each for tests that inspect them.
  llm.requests.length = 0;
  const asked = JSON.stringify(req.messages.findLast((m) => m.role === "user")?.content ?? "");
  if (req.messages.some((m) => m.role === "tool") || asked.includes(noToolQuestion)) return { text: answer, chunks: 8, chunkDelayMs, delayMs };
  return { toolCalls: [{ name: "get_report_section", args: { section: "verdict" } }], delayMs };
});
process.stdout.write(`${llm.url}\n`);
process.on("SIGTERM", () => void llm.stop().then(() => process.exit(0)));
