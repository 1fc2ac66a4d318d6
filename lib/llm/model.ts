import type { LanguageModel } from "ai";
import type { Env } from "@/lib/env";
import { priceOf, type Price } from "./cost";

export const defaultModels = {
  vertex: "gemini-2.5-flash",
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1-mini",
} as const;

/** The configured model, or null when LLM_ENABLED is false (chat then answers deterministically). */
export type ChatModel = {
  model: LanguageModel;
  provider: Env["LLM_PROVIDER"];
  modelId: string;
  price: Price;
  timeoutMs: number;
};

/**
 * One place that turns LLM_* variables into an AI SDK model; lib/env.ts has already checked they fit
 * together. Only the configured provider's package is loaded, and none without a model: the four
 * with the AI SDK were about 20 MB of the worker's memory.
 */
export async function createChatModel(env: Env): Promise<ChatModel | null> {
  if (!env.LLM_ENABLED) return null;
  const provider = env.LLM_PROVIDER;
  const modelId = env.LLM_MODEL ?? (provider === "openai-compatible" ? "" : defaultModels[provider]);
  const model = await languageModel(env, provider, modelId);
  return { model, provider, modelId, price: priceOf(env, modelId), timeoutMs: env.LLM_TIMEOUT_MS };
}

async function languageModel(env: Env, provider: Env["LLM_PROVIDER"], modelId: string): Promise<LanguageModel> {
  switch (provider) {
    case "vertex": {
      const { createVertex } = await import("@ai-sdk/google-vertex");
      return createVertex({ project: env.GOOGLE_VERTEX_PROJECT, location: env.GOOGLE_VERTEX_LOCATION })(modelId);
    }
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      return createAnthropic({ apiKey: env.LLM_API_KEY, ...(env.LLM_BASE_URL ? { baseURL: env.LLM_BASE_URL } : {}) })(modelId);
    }
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      return createOpenAI({ apiKey: env.LLM_API_KEY, ...(env.LLM_BASE_URL ? { baseURL: env.LLM_BASE_URL } : {}) }).chat(modelId);
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: env.LLM_BASE_URL ?? "",
        ...(env.LLM_API_KEY ? { apiKey: env.LLM_API_KEY } : {}),
        includeUsage: true,
      })(modelId);
    }
  }
}
