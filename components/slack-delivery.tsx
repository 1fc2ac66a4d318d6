import type { SlackDelivery } from "@/lib/notifications/get-slack-delivery";
import { formatTime } from "./format";

/** The case's Slack message and the state of its latest notification: posted/updated, pending retry, or failed. */
export function SlackDeliveryState({ delivery }: { delivery: SlackDelivery }) {
  const { message, latest } = delivery;
  const link = message?.permalink ? (
    <a href={message.permalink} target="_blank" rel="noreferrer" className="text-sky-700 hover:underline dark:text-sky-300">
      open in Slack
    </a>
  ) : null;
  return (
    <div className="space-y-1 text-sm" data-testid="slack-delivery">
      {latest?.status === "pending" && (
        <p data-state="pending">
          {latest.attempts === 0 ? "Queued for Slack" : `Not delivered yet (${latest.attempts} attempt${latest.attempts === 1 ? "" : "s"})`}
          {latest.nextAttemptAt && <>; next try {formatTime(latest.nextAttemptAt)}</>}
          {latest.lastError && <span className="block text-xs text-slate-500">last error: {latest.lastError}</span>}
        </p>
      )}
      {latest?.status === "failed" && (
        <p data-state="failed" className="text-red-700 dark:text-red-300">
          Slack notification failed after {latest.attempts} attempt{latest.attempts === 1 ? "" : "s"}: {latest.lastError ?? "unknown error"}
        </p>
      )}
      {message && (
        <p data-state={latest?.status === "delivered" ? "delivered" : "posted"}>
          {message.updatedAt !== message.postedAt ? "Updated" : "Posted"} in {message.channel} {formatTime(message.updatedAt)} {link && <>· {link}</>}
        </p>
      )}
    </div>
  );
}
