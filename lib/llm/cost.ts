import type { Env } from "@/lib/env";
import type { Metrics } from "@/lib/metrics";

/** USD per million tokens. */
export type Price = { input: number; output: number };

/** List prices of the default models (per million tokens), for the estimate only; operators override them. */
const listPrices: Record<string, Price> = {
  "gemini-2.5-flash": { input: 0.3, output: 2.5 },
  "gemini-2.5-pro": { input: 1.25, output: 10 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1": { input: 2, output: 8 },
};

export function priceOf(env: Env, modelId: string): Price {
  const listed = listPrices[modelId] ?? { input: 0, output: 0 };
  return { input: env.LLM_INPUT_COST_PER_MTOK ?? listed.input, output: env.LLM_OUTPUT_COST_PER_MTOK ?? listed.output };
}

export type TokenUsage = { inputTokens: number; outputTokens: number };

export function estimateCostUsd(price: Price, usage: TokenUsage): number {
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/** Count a model call's tokens and estimated cost in the tarka_llm_* metrics; returns the cost. */
export function recordLlmUsage(metrics: Metrics, price: Price, usage: TokenUsage): number {
  const cost = estimateCostUsd(price, usage);
  metrics.llmTokens.inc({ direction: "input" }, usage.inputTokens);
  metrics.llmTokens.inc({ direction: "output" }, usage.outputTokens);
  metrics.llmCost.inc(cost);
  return cost;
}
