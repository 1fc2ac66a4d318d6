import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import type { ToolOutcome } from "@/lib/db/schema/constants";
import { errorMessage, isServiceError } from "@/lib/errors";
import type { Report } from "@/lib/investigate/report";
import type { Providers } from "@/lib/investigate/providers/types";
import type { JobQueue } from "@/lib/queue/types";
import { redactText, redactValue } from "@/lib/redact";
import { chatCaps, ScopeRefusal, type ChatScope } from "../scope";

/** What the console draws for a tool result: a small chart, a table, or log lines. */
export type ToolView =
  | { kind: "series"; unit: string; series: Array<{ title: string; points: Array<[number, number]> }> }
  | { kind: "table"; columns: string[]; rows: string[][] }
  | { kind: "logs"; lines: Array<{ timestamp: string | null; line: string; isError: boolean }> }
  | { kind: "text"; text: string };

/** One tool call as the model, the console and the transcript see it. */
export type ToolResult = { outcome: ToolOutcome; summary: string; view: ToolView | null; durationMs: number };

export type ToolContext = {
  db: DbOrTx;
  /** For rerun_investigation, the one tool that queues work (a read-only investigation). */
  queue: JobQueue;
  actor: Actor;
  providers: Providers;
  scope: ChatScope;
  report: Report | null;
  now: Date;
};

export type ChatTool<S extends z.ZodType = z.ZodType> = {
  name: string;
  description: string;
  input: S;
  /** Where the tool is offered: case chats, chats across cases, or both. */
  scopes: Array<ChatScope["kind"]>;
  run(ctx: ToolContext, input: z.infer<S>): Promise<Omit<ToolResult, "durationMs">>;
};

export function defineTool<S extends z.ZodType>(tool: ChatTool<S>): ChatTool<S> {
  return tool;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n… (cut at ${max} characters)` : text;
}

/**
 * Run a tool with the model's raw arguments: validate them, enforce the scope (ScopeRefusal → refused),
 * bound the time, and redact what comes back before anyone (model, console, transcript) sees it.
 */
export async function runTool(tool: ChatTool, ctx: ToolContext, rawArgs: unknown): Promise<ToolResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const parsed = tool.input.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { outcome: "refused", summary: `invalid arguments: ${issue?.path.join(".") || "input"}: ${issue?.message}`, view: null, durationMs: elapsed() };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ToolTimeout()), ctx.providers.timeoutMs + 1_000);
    });
    const result = await Promise.race([tool.run(ctx, parsed.data), timeout]);
    return {
      outcome: result.outcome,
      summary: clip(redactText(result.summary), chatCaps.summaryChars),
      view: result.view ? redactValue(result.view) : null,
      durationMs: elapsed(),
    };
  } catch (e) {
    if (e instanceof ScopeRefusal) return { outcome: "refused", summary: `refused: ${e.message}`, view: null, durationMs: elapsed() };
    if (e instanceof ToolTimeout || /timed? ?out/i.test(errorMessage(e))) {
      return { outcome: "timeout", summary: `timed out after ${ctx.providers.timeoutMs} ms`, view: null, durationMs: elapsed() };
    }
    const message = isServiceError(e) || e instanceof Error ? e.message : String(e);
    return { outcome: "error", summary: `failed: ${redactText(message)}`, view: null, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

class ToolTimeout extends Error {}

export function unavailable(what: string): Omit<ToolResult, "durationMs"> {
  return { outcome: "error", summary: `${what} is not configured on this Tarka`, view: null };
}
