import type { SlackRoute } from "@/lib/env";
import type { CaseEventPayload } from "@/lib/notifications/case-event";
import type { SlackBlock, SlackMessage } from "./slack-api";

/** Slack mrkdwn control characters; every alert-derived string goes through this before it is sent. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Plain-text fields have no markup, but Slack caps their length. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const slackActionIds = { acknowledge: "tarka_acknowledge", snooze: "tarka_snooze_4h", resolve: "tarka_resolve", open: "tarka_open" } as const;

export function caseUrl(baseUrl: string | null, caseId: string): string | null {
  return baseUrl ? `${baseUrl.replace(/\/+$/, "")}/cases/${caseId}` : null;
}

/** The channel for a case: the first SLACK_ROUTES rule naming its namespace or team, else SLACK_CHANNEL. */
export function slackChannelFor(payload: CaseEventPayload, routes: SlackRoute[], fallback: string): string {
  const route = routes.find((r) => (r.key === "namespace" ? payload.case.namespace : payload.case.team) === r.value);
  return route?.channel ?? fallback;
}

/** The one message of a case (Block Kit): title, verdict, top cause with its evidence, impact/confidence, link and buttons. */
export function renderCaseMessage(payload: CaseEventPayload, baseUrl: string | null): SlackMessage {
  const c = payload.case;
  const resolved = c.status === "resolved";
  const url = caseUrl(baseUrl, c.id);
  const title = `${resolved ? "✅ Resolved: " : ""}${c.title}`;
  const verdict = `*Verdict:* ${escapeMrkdwn(c.classification ?? "pending")}${c.oneLiner ? ` — ${escapeMrkdwn(c.oneLiner)}` : ""}`;
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(title, 150), emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: clip(verdict, 3000) } },
  ];
  if (payload.topCause) {
    const t = payload.topCause;
    const evidence = t.evidence ? `\n> ${escapeMrkdwn(t.evidence)}` : "";
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(`*Top cause:* ${escapeMrkdwn(t.title)} (${t.confidence}%)${evidence}`, 3000) } });
  }
  const facts = [
    `Impact ${c.impact ?? "—"}`,
    `Confidence ${c.confidence ?? "—"}`,
    c.severity ? `severity ${escapeMrkdwn(c.severity)}` : null,
    c.namespace ? `namespace ${escapeMrkdwn(c.namespace)}` : null,
    `runs ${c.runCount}`,
    resolved && c.resolution?.by ? `resolved by ${escapeMrkdwn(String(c.resolution.by))}` : null,
    !resolved && c.snoozedUntil && Date.parse(c.snoozedUntil) > Date.now() ? `snoozed until ${c.snoozedUntil}` : null,
  ].filter(Boolean);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(facts.join(" · "), 3000) }] });
  const buttons: SlackBlock = {
    type: "actions",
    block_id: "tarka_case",
    elements: [
      ...(resolved
        ? []
        : [
            { type: "button" as const, action_id: slackActionIds.acknowledge, text: { type: "plain_text" as const, text: "Acknowledge" }, value: c.id },
            { type: "button" as const, action_id: slackActionIds.snooze, text: { type: "plain_text" as const, text: "Snooze 4h" }, value: c.id },
            { type: "button" as const, action_id: slackActionIds.resolve, text: { type: "plain_text" as const, text: "Resolve" }, style: "primary" as const, value: c.id },
          ]),
      ...(url ? [{ type: "button" as const, action_id: slackActionIds.open, text: { type: "plain_text" as const, text: "Open" }, url, value: c.id }] : []),
    ],
  };
  if ((buttons as { elements: unknown[] }).elements.length > 0) blocks.push(buttons);
  const text = `${resolved ? "Resolved: " : ""}${escapeMrkdwn(c.title)} — ${escapeMrkdwn(c.classification ?? "pending")}`;
  return { text: clip(text, 3000), blocks };
}

/** The thread reply for an event after the first: what changed and who changed it. */
export function renderThreadReply(payload: CaseEventPayload): string | null {
  const c = payload.case;
  const who = payload.actor ? escapeMrkdwn(payload.actor) : "Tarka";
  switch (payload.event) {
    case "case.opened":
      return null;
    case "case.updated":
      return `Investigated again (run ${c.runCount}): *${escapeMrkdwn(c.classification ?? "pending")}*${c.oneLiner ? ` — ${escapeMrkdwn(c.oneLiner)}` : ""}`;
    case "case.resolved": {
      const r = c.resolution ?? {};
      const how = typeof r.category === "string" ? ` (${escapeMrkdwn(r.category)})` : "";
      const what = typeof r.summary === "string" ? `: ${escapeMrkdwn(r.summary)}` : typeof r.reason === "string" ? `: ${escapeMrkdwn(r.reason)}` : "";
      return `Resolved by ${who}${how}${what}`;
    }
    case "case.reopened":
      return `Reopened by ${who}`;
    case "case.acknowledged":
      return `Acknowledged by ${who}`;
    case "case.snoozed":
      return `Snoozed by ${who}${c.snoozedUntil ? ` until ${c.snoozedUntil}` : ""}`;
    case "action.approved":
      return `Action approved by ${who}: ${escapeMrkdwn(payload.action?.title ?? "")}`;
  }
}
