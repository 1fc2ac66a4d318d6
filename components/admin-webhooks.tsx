"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { caseEvents } from "@/lib/db/schema/constants";
import type { WebhookDeliveryView, WebhookEndpointView } from "@/lib/notifications/webhook-endpoint-view";
import { adminButton, adminErrorBox, adminInput, adminRequest } from "./admin-api";
import { request } from "./console-api";
import { useConsole } from "./console-context";
import { OneTimeSecret } from "./one-time-secret";
import { formatTime } from "./format";

type WebhookList = { items: WebhookEndpointView[]; deliveries: WebhookDeliveryView[] };

export const webhookKeys = { all: ["webhooks"] as const };
const webhooksOptions = () => queryOptions({ queryKey: webhookKeys.all, queryFn: () => request<WebhookList>("/api/v1/webhooks"), refetchInterval: 10_000 });

const cell = "px-3 py-2";

/** Outbound webhooks: list, add (the signing secret is shown once), remove, and the delivery log. */
export function AdminWebhooks() {
  const { csrfToken } = useConsole();
  const client = useQueryClient();
  const list = useQuery(webhooksOptions());
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: webhookKeys.all });
  const create = useMutation({
    mutationFn: (body: unknown) => adminRequest<{ endpoint: WebhookEndpointView; secret: string }>(csrfToken, "POST", "/api/v1/webhooks", body),
    onSuccess: (created) => {
      setSecret({ name: created.endpoint.name, value: created.secret });
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => adminRequest(csrfToken, "DELETE", `/api/v1/webhooks/${id}`), onSuccess: refresh });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    create.mutate({ name: f.get("name"), url: f.get("url"), events: f.getAll("events") }, { onSuccess: () => form.reset() });
  }

  const names = new Map((list.data?.items ?? []).map((w) => [w.id, w.name]));
  const error = list.error ?? create.error ?? remove.error;
  return (
    <section aria-labelledby="webhooks-heading" className="space-y-3">
      <h2 id="webhooks-heading" className="text-lg font-semibold">
        Outbound webhooks
      </h2>
      <p className="text-sm text-slate-500">Case events POSTed as JSON, signed with the Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature).</p>
      {error && (
        <p role="alert" className={adminErrorBox}>
          {error.message}
        </p>
      )}
      {secret && (
        <OneTimeSecret value={secret.value} testId="new-webhook-secret" onDone={() => setSecret(null)}>
          Webhook <strong>{secret.name}</strong> added. Give this signing secret to the receiver now: it is not shown again.
        </OneTimeSecret>
      )}
      <ul className="space-y-2 text-sm">
        {list.data?.items.length === 0 && <li className="text-slate-500">No webhooks yet.</li>}
        {list.data?.items.map((w) => (
          <li key={w.id} className="flex flex-wrap items-baseline gap-x-4 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" aria-label={`Webhook ${w.name}`}>
            <strong>{w.name}</strong>
            <code className="break-all font-mono text-xs">{w.url}</code>
            <span className="text-xs text-slate-500">{w.events.join(", ")}</span>
            <button type="button" disabled={remove.isPending} onClick={() => remove.mutate(w.id)} className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-50 dark:border-slate-700">
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2 text-sm" aria-label="Add webhook">
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Name</span>
          <input name="name" required maxLength={100} className={adminInput} />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">URL</span>
          <input name="url" type="url" required placeholder="https://…" className={`${adminInput} w-80`} />
        </label>
        <fieldset className="flex flex-wrap gap-2">
          <legend className="text-xs text-slate-500">Events</legend>
          {caseEvents.map((ev) => (
            <label key={ev} className="flex items-center gap-1 text-xs">
              <input type="checkbox" name="events" value={ev} defaultChecked />
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending} className={adminButton}>
          Add webhook
        </button>
      </form>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm" aria-label="Webhook deliveries">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className={cell}>When</th>
              <th className={cell}>Webhook</th>
              <th className={cell}>Event</th>
              <th className={cell}>Status</th>
              <th className={cell}>Attempts</th>
              <th className={cell}>Response</th>
              <th className={cell}>Duration</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.deliveries.length === 0 && (
              <tr>
                <td colSpan={7} className={`${cell} text-slate-500`}>
                  No deliveries yet.
                </td>
              </tr>
            )}
            {list.data?.deliveries.map((d) => (
              <tr key={d.id} className="border-t border-slate-100 dark:border-slate-800">
                <td className={`${cell} text-slate-500`}>{formatTime(d.createdAt)}</td>
                <td className={cell}>{names.get(d.endpointId) ?? "—"}</td>
                <td className={`${cell} font-mono text-xs`}>{d.event}</td>
                <td className={cell} title={d.lastError ?? undefined}>
                  {d.status}
                  {d.status === "pending" && d.nextAttemptAt && <span className="block text-xs text-slate-500">next {formatTime(d.nextAttemptAt)}</span>}
                  {d.lastError && d.status !== "delivered" && <span className="block text-xs text-slate-500">{d.lastError}</span>}
                </td>
                <td className={`${cell} tabular-nums`}>{d.attempts}</td>
                <td className={`${cell} tabular-nums`}>{d.responseCode ?? "—"}</td>
                <td className={`${cell} tabular-nums`}>{d.durationMs === null ? "—" : `${d.durationMs} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
