import type { UIMessageChunk } from "ai";
import type { ToolResult } from "./tools/chat-tool";

export type RecordedToolCall = { toolCallId: string; toolName: string; args: Record<string, unknown>; result: ToolResult };

type Writer = { write(chunk: UIMessageChunk): void };

/**
 * One assistant turn as it streams: writes the AI SDK UI message chunks (text, tool input, tool
 * output) and keeps what must be stored (text, tool calls) — the same for model and deterministic answers.
 */
export class TurnTranscript {
  text = "";
  readonly toolCalls: RecordedToolCall[] = [];
  private textId = 0;
  private openText: string | null = null;

  constructor(private readonly writer: Writer) {}

  textDelta(delta: string, id?: string): void {
    if (!delta) return;
    const partId = id ?? this.openText ?? `t${++this.textId}`;
    if (this.openText !== partId) {
      this.endText();
      this.writer.write({ type: "text-start", id: partId });
      this.openText = partId;
    }
    this.writer.write({ type: "text-delta", id: partId, delta });
    this.text += delta;
  }

  endText(): void {
    if (this.openText === null) return;
    this.writer.write({ type: "text-end", id: this.openText });
    this.openText = null;
    this.text += "\n\n";
  }

  toolInput(toolCallId: string, toolName: string, args: Record<string, unknown>): void {
    this.endText();
    this.writer.write({ type: "tool-input-available", toolCallId, toolName, input: args });
  }

  toolOutput(toolCallId: string, toolName: string, args: Record<string, unknown>, result: ToolResult): void {
    this.toolCalls.push({ toolCallId, toolName, args, result });
    this.writer.write({ type: "tool-output-available", toolCallId, output: result });
  }

  /** The stored text: what was streamed, without the separators' trailing blank lines. */
  finalText(): string {
    this.endText();
    return this.text.trim();
  }
}
