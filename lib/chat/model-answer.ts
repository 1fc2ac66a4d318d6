import { APICallError, stepCountIs, streamText, tool, zodSchema, type FlexibleSchema, type ModelMessage, type ToolSet } from "ai";
import { deadline } from "@/lib/llm/deadline";
import { describeModelFailure } from "@/lib/llm/describe-model-failure";
import type { ChatModel } from "@/lib/llm/model";
import { redactText } from "@/lib/redact";
import type { ChatScope } from "./scope";
import { toolsFor } from "./tools";
import { runTool, type ChatTool, type ToolContext, type ToolResult } from "./tools/chat-tool";
import type { TurnTranscript } from "./turn-transcript";

export type ModelAnswer = { inputTokens: number; outputTokens: number; error: string | null };

/**
 * Each tool's input schema wrapped for the AI SDK once per process: the SDK converts a bare zod schema
 * to JSON Schema on every call of every step, a fifth of a turn's CPU; a wrapper converts once.
 */
const inputSchemas = new Map<ChatTool, FlexibleSchema<unknown>>();
function inputSchemaOf(t: ChatTool): FlexibleSchema<unknown> {
  let schema = inputSchemas.get(t);
  if (!schema) inputSchemas.set(t, (schema = zodSchema(t.input)));
  return schema;
}

function modelTools(scope: ChatScope, toolCtx: ToolContext, maxToolCalls: number, offer: { mayPropose: boolean; mayRerun: boolean }): ToolSet {
  let calls = 0;
  const entries = toolsFor(scope, offer).map((t) => [
    t.name,
    tool({
      description: t.description,
      inputSchema: inputSchemaOf(t),
      execute: async (args: unknown): Promise<ToolResult> => {
        calls += 1;
        if (calls > maxToolCalls) {
          return { outcome: "refused", summary: `refused: at most ${maxToolCalls} tool calls per answer; answer with what you have`, view: null, durationMs: 0 };
        }
        return runTool(t, toolCtx, args);
      },
      toModelOutput: ({ output }: { output: ToolResult }) => ({ type: "text" as const, value: `[${output.outcome}] ${output.summary}` }),
    }),
  ]);
  return Object.fromEntries(entries) as ToolSet;
}

/** Stream the model's answer (with its tool calls) into the transcript; failures end up as text in the thread. */
export async function answerWithModel(args: {
  chatModel: ChatModel;
  system: string;
  messages: ModelMessage[];
  scope: ChatScope;
  toolCtx: ToolContext;
  maxToolCalls: number;
  /** The user's message asked for an action (see asksForAction). */
  mayPropose: boolean;
  /** The user's message asked for a re-run (see asksForRerun). */
  mayRerun: boolean;
  transcript: TurnTranscript;
}): Promise<ModelAnswer> {
  const { chatModel, transcript } = args;
  const usage = { inputTokens: 0, outputTokens: 0 };
  const limit = deadline(chatModel.timeoutMs);
  let failure: unknown = null;
  try {
    const result = streamText({
      model: chatModel.model,
      system: args.system,
      messages: args.messages,
      tools: modelTools(args.scope, args.toolCtx, args.maxToolCalls, { mayPropose: args.mayPropose, mayRerun: args.mayRerun }),
      stopWhen: stepCountIs(args.maxToolCalls + 1),
      maxRetries: 0,
      abortSignal: limit.signal,
      // Failures arrive as stream parts below and end up in the thread; the SDK's default logs them to stderr.
      onError: () => {},
    });
    const inputs = new Map<string, { toolName: string; args: Record<string, unknown> }>();
    for await (const part of result.fullStream) {
      switch (part.type) {
        case "text-delta":
          transcript.textDelta(part.text, part.id);
          break;
        case "text-end":
          transcript.endText();
          break;
        case "tool-call": {
          const input = (part.input ?? {}) as Record<string, unknown>;
          inputs.set(part.toolCallId, { toolName: part.toolName, args: input });
          transcript.toolInput(part.toolCallId, part.toolName, input);
          break;
        }
        case "tool-result": {
          const call = inputs.get(part.toolCallId);
          transcript.toolOutput(part.toolCallId, part.toolName, call?.args ?? {}, part.output as ToolResult);
          break;
        }
        case "tool-error": {
          const call = inputs.get(part.toolCallId);
          const summary = `failed: ${redactText(part.error instanceof Error ? part.error.message : String(part.error))}`;
          transcript.toolOutput(part.toolCallId, part.toolName, call?.args ?? {}, { outcome: "error", summary, view: null, durationMs: 0 });
          break;
        }
        case "finish-step":
          usage.inputTokens += part.usage.inputTokens ?? 0;
          usage.outputTokens += part.usage.outputTokens ?? 0;
          break;
        case "error":
          failure = part.error;
          break;
        case "abort":
          failure ??= new Error("aborted");
          break;
      }
    }
  } catch (e) {
    failure = e;
  } finally {
    limit.clear();
  }
  const timedOut = limit.hasPassed();
  if (failure === null && !timedOut) return { ...usage, error: null };
  const advice = timedOut
    ? " This answer stops here; try again, or ask something narrower."
    : APICallError.isInstance(failure) && failure.statusCode === 429
      ? " Try again in a minute."
      : "";
  const error = `${describeModelFailure(failure, chatModel.timeoutMs, timedOut)}${advice}`;
  transcript.endText();
  transcript.textDelta(`⚠ ${error}`);
  return { ...usage, error };
}
