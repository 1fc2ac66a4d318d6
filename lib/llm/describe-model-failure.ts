import { APICallError } from "ai";
import { redactText } from "@/lib/redact";

/** A model provider failure said plainly (for a chat thread or a report): never a stack trace, never a credential. */
export function describeModelFailure(e: unknown, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `The model did not answer within ${Math.round(timeoutMs / 1000)} s.`;
  if (APICallError.isInstance(e)) {
    if (e.statusCode === 429) return "The model provider is rate-limiting Tarka (HTTP 429).";
    if (e.statusCode === 401 || e.statusCode === 403) return `The model provider refused Tarka's credentials (HTTP ${e.statusCode}); an operator should check LLM_API_KEY or the provider credentials.`;
    return `The model provider failed (${e.statusCode ? `HTTP ${e.statusCode}` : "no response"}): ${redactText(e.message).slice(0, 300)}`;
  }
  return `The model call failed: ${redactText(e instanceof Error ? e.message : String(e)).slice(0, 300)}`;
}
