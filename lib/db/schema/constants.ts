/** Enum value lists, importable by client code without drizzle. */

/** Console roles, weakest first (lib/auth/roles.ts ranks them). */
export const roles = ["viewer", "responder", "admin"] as const;
export type Role = (typeof roles)[number];

export const alertDispositions = [
  "queued",
  "investigated",
  "skipped_resolved",
  "skipped_allowlist",
  "skipped_snoozed",
  "skipped_duplicate",
  "skipped_invalid",
  "dead_letter",
  "enqueue_failed",
] as const;
export type AlertDisposition = (typeof alertDispositions)[number];

export const caseStatuses = ["open", "resolved"] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const runStatuses = ["succeeded", "failed"] as const;
export type RunStatus = (typeof runStatuses)[number];

export const claimStates = ["running", "done"] as const;
export type ClaimState = (typeof claimStates)[number];

export const classifications = ["actionable", "informational", "noisy", "artifact"] as const;
export type Classification = (typeof classifications)[number];

export const actionKinds = ["rollout_restart", "rollback", "scale", "raise_limit", "delete_pod", "silence"] as const;
export type ActionKind = (typeof actionKinds)[number];

export const actionStatuses = ["proposed", "approved", "rejected", "done", "abandoned"] as const;
export type ActionStatus = (typeof actionStatuses)[number];

export const actionRisks = ["low", "medium", "high"] as const;
export type ActionRisk = (typeof actionRisks)[number];

export const actionSources = ["derived", "console", "chat"] as const;
export type ActionSource = (typeof actionSources)[number];

export const chatRoles = ["user", "assistant"] as const;
export type ChatRole = (typeof chatRoles)[number];

/** How an assistant message was produced: by the configured model, or by the deterministic intent layer. */
export const chatModes = ["model", "deterministic"] as const;
export type ChatMode = (typeof chatModes)[number];

/** ok and empty reached the data; refused = outside the case's scope or over a cap, never sent. */
export const toolOutcomes = ["ok", "empty", "refused", "error", "timeout"] as const;
export type ToolOutcome = (typeof toolOutcomes)[number];

/** A re-run a person asked for: queued → running → succeeded | failed. */
export const rerunStatuses = ["queued", "running", "succeeded", "failed"] as const;
export type RerunStatus = (typeof rerunStatuses)[number];

/** What started a run: an alert through intake, or a person asking for a re-run with another window. */
export const runTriggers = ["alert", "rerun"] as const;
export type RunTrigger = (typeof runTriggers)[number];

/** Outbound notification channels, fed by one outbox. */
export const notificationChannels = ["slack", "webhook"] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export const notificationStatuses = ["pending", "delivered", "failed"] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/** What a case notification tells; `slack.mention` is a question asked in a case's Slack thread, answered there. */
export const caseEvents = ["case.opened", "case.updated", "case.resolved", "case.reopened", "case.acknowledged", "case.snoozed", "action.approved"] as const;
export type CaseEvent = (typeof caseEvents)[number];
export const notificationEvents = [...caseEvents, "slack.mention"] as const;
export type NotificationEvent = (typeof notificationEvents)[number];
