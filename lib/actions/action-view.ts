import type { Actor } from "@/lib/auth/actor";
import type { actionProposals } from "@/lib/db/schema";
import type { ActionKind, ActionRisk, ActionSource, ActionStatus } from "@/lib/db/schema/constants";

export type ActionRow = typeof actionProposals.$inferSelect;

/** One transition as the audit log recorded it. */
export type ActionHistoryEntry = { action: string; actor: string; at: string; status: ActionStatus; note: string | null };

/** What the API and the console see of a proposal. */
export type ActionView = {
  id: string;
  caseId: string;
  runId: string | null;
  source: ActionSource;
  kind: ActionKind;
  status: ActionStatus;
  risk: ActionRisk;
  title: string;
  params: Record<string, unknown>;
  command: string;
  preconditions: string[];
  evidence: string[];
  rationale: string;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  completedBy: string | null;
  completedAt: string | null;
  completionNote: string | null;
  silence: { id: string; endsAt: string | null } | null;
  history: ActionHistoryEntry[];
};

/** Derived proposals are made by Tarka itself, never by a signed-in user. */
export const tarkaActor: Actor = { id: null, username: "tarka", name: "Tarka", role: "responder", sessionId: null };

export function toActionView(row: ActionRow, history: ActionHistoryEntry[] = []): ActionView {
  return {
    id: row.id,
    caseId: row.caseId,
    runId: row.runId,
    source: row.source,
    kind: row.kind,
    status: row.status,
    risk: row.risk,
    title: row.title,
    params: row.params,
    command: row.command,
    preconditions: row.preconditions,
    evidence: row.evidence,
    rationale: row.rationale,
    proposedBy: row.proposedBy,
    proposedAt: row.createdAt.toISOString(),
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionNote: row.decisionNote,
    completedBy: row.completedBy,
    completedAt: row.completedAt?.toISOString() ?? null,
    completionNote: row.completionNote,
    silence: row.silenceId ? { id: row.silenceId, endsAt: row.silenceEndsAt?.toISOString() ?? null } : null,
    history,
  };
}

/** The audit row's `after` for an action transition; list-case-actions reads it back as history. */
export function auditAfter(row: ActionRow, note: string | null): Record<string, unknown> {
  return {
    actionId: row.id,
    kind: row.kind,
    title: row.title,
    status: row.status,
    note,
    ...(row.silenceId ? { silenceId: row.silenceId, silenceEndsAt: row.silenceEndsAt?.toISOString() ?? null } : {}),
  };
}
