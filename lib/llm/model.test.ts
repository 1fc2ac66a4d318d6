import { describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";
import { estimateCostUsd } from "./cost";
import { createChatModel } from "./model";

describe("createChatModel", () => {
  it("is off unless LLM_ENABLED, and picks each provider's default model and list price", async () => {
    expect(await createChatModel(loadEnv({}))).toBeNull();
    const vertex = (await createChatModel(loadEnv({ LLM_ENABLED: "true", GOOGLE_VERTEX_PROJECT: "p" })))!;
    expect([vertex.provider, vertex.modelId, vertex.price]).toEqual(["vertex", "gemini-2.5-flash", { input: 0.3, output: 2.5 }]);
    const anthropic = (await createChatModel(loadEnv({ LLM_ENABLED: "true", LLM_PROVIDER: "anthropic", LLM_API_KEY: "k" })))!;
    expect(anthropic.modelId).toBe("claude-sonnet-4-5");
    const local = (await createChatModel(
      loadEnv({ LLM_ENABLED: "true", LLM_PROVIDER: "openai-compatible", LLM_BASE_URL: "http://127.0.0.1:1/v1", LLM_MODEL: "qwen3", LLM_OUTPUT_COST_PER_MTOK: "0.5" }),
    ))!;
    expect([local.modelId, local.price]).toEqual(["qwen3", { input: 0, output: 0.5 }]);
    expect(estimateCostUsd({ input: 0.3, output: 2.5 }, { inputTokens: 1_000_000, outputTokens: 200_000 })).toBeCloseTo(0.8);
  });
});
