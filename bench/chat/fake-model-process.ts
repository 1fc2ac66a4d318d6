// The fake model for bench/chat in a process of its own, as a real model runs elsewhere: its scripted
// waits must not stretch when the load generator's event loop is busy (both shared one loop before,
// and that lag counted as Tarka's overhead). Prints its URL on stdout, then serves until killed.
import { startFakeLlm } from "@/test/helpers/fake-llm";

const delayMs = Number(process.argv[2]);
const chunkDelayMs = Number(process.argv[3]);
const llm = await startFakeLlm();
// Each turn: the model asks for a report section, then answers in 8 chunks.
llm.script((req) => {
  // The bench sends thousands of requests; the helper keeps each for tests that inspect them.
  llm.requests.length = 0;
  return req.messages.some((m) => m.role === "tool")
    ? { text: "The container is killed for memory; raise the limit or find the leak.", chunks: 8, chunkDelayMs, delayMs }
    : { toolCalls: [{ name: "get_report_section", args: { section: "verdict" } }], delayMs };
});
process.stdout.write(`${llm.url}\n`);
process.on("SIGTERM", () => void llm.stop().then(() => process.exit(0)));
