"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { ActionView } from "@/lib/actions/action-view";
import { hasRole } from "@/lib/auth/roles";
import { actionKinds, type ActionKind } from "@/lib/db/schema/constants";
import { actionKeys, caseActionsOptions, proposeCaseAction, transitionAction, type ActionTransition } from "./actions-api";
import { Badge } from "./badge";
import { ApiError } from "./console-api";
import { useConsole } from "./console-context";
import { CopyButton } from "./copy-button";
import { formatTime } from "./format";

const input = "w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";
const button = "rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900";
const secondary = "rounded border border-slate-300 px-3 py-1 text-sm disabled:opacity-50 dark:border-slate-700";

const kindLabels: Record<ActionKind, string> = {
  rollout_restart: "Rollout restart",
  rollback: "Roll back to the previous revision",
  scale: "Scale",
  raise_limit: "Raise a limit",
  delete_pod: "Delete a stuck pod",
  silence: "Silence the alert",
};

const historyVerbs: Record<string, string> = {
  propose: "proposed it",
  approve: "approved it",
  reject: "rejected it",
  done: "marked it done",
  abandon: "abandoned it",
};

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

/** The form's fields as the API's action spec; the server validates and builds the command. */
function specOf(kind: ActionKind, f: FormData): Record<string, unknown> {
  const s = (name: string) => String(f.get(name) ?? "").trim();
  const workload = { kind: s("workloadKind"), name: s("workloadName") };
  switch (kind) {
    case "rollout_restart":
      return { kind, namespace: s("namespace"), workload };
    case "rollback":
      return { kind, namespace: s("namespace"), workload, ...(s("toRevision") ? { toRevision: Number(s("toRevision")) } : {}) };
    case "scale":
      return { kind, namespace: s("namespace"), workload, replicas: Number(s("replicas")) };
    case "raise_limit":
      return { kind, namespace: s("namespace"), workload, container: s("container"), resource: s("resource"), value: s("value") };
    case "delete_pod":
      return { kind, namespace: s("namespace"), pod: s("pod"), force: f.get("force") === "on" };
    case "silence":
      return {
        kind,
        matchers: s("matchers")
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => ({ name: line.slice(0, line.indexOf("=")).trim(), value: line.slice(line.indexOf("=") + 1).trim() })),
        durationMinutes: Number(s("durationMinutes")),
        comment: s("comment"),
      };
  }
}

function ProposeForm({ caseId, namespace, labels, onDone }: { caseId: string; namespace: string | null; labels: Record<string, string>; onDone: () => void }) {
  const { csrfToken } = useConsole();
  const [kind, setKind] = useState<ActionKind>("rollout_restart");
  const propose = useMutation({ mutationFn: (body: unknown) => proposeCaseAction(csrfToken, caseId, body), onSuccess: onDone });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    propose.mutate({ action: specOf(kind, f), rationale: String(f.get("rationale") ?? ""), evidence: [] });
  };
  const silenceDefaults = ["alertname", "namespace", "pod", "service"].filter((k) => labels[k]).map((k) => `${k}=${labels[k]}`).join("\n");
  const field = (name: string, label: string, props: Record<string, unknown> = {}) => (
    <label className="block">
      <span className="text-xs text-slate-500">{label}</span>
      <input name={name} className={input} required {...props} />
    </label>
  );
  const workloadFields = (
    <div className="grid grid-cols-2 gap-2">
      <label className="block">
        <span className="text-xs text-slate-500">Workload kind</span>
        <select name="workloadKind" className={input} defaultValue="Deployment">
          {(kind === "scale" ? ["Deployment", "StatefulSet"] : ["Deployment", "StatefulSet", "DaemonSet"]).map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      {field("workloadName", "Workload name")}
    </div>
  );
  return (
    <form aria-label="Propose an action" onSubmit={onSubmit} className="space-y-2 border-t border-slate-200 pt-3 text-sm dark:border-slate-800">
      <h3 className="font-semibold">Propose an action</h3>
      <label className="block">
        <span className="text-xs text-slate-500">Action</span>
        <select name="kind" className={input} value={kind} onChange={(e) => setKind(e.target.value as ActionKind)}>
          {actionKinds.map((k) => (
            <option key={k} value={k}>
              {kindLabels[k]}
            </option>
          ))}
        </select>
      </label>
      {kind !== "silence" && field("namespace", "Namespace", { defaultValue: namespace ?? "", readOnly: Boolean(namespace) })}
      {(kind === "rollout_restart" || kind === "rollback" || kind === "scale" || kind === "raise_limit") && workloadFields}
      {kind === "rollback" && field("toRevision", "Revision (empty: the previous one)", { type: "number", min: 1, required: false })}
      {kind === "scale" && field("replicas", "Replicas", { type: "number", min: 0, max: 1000 })}
      {kind === "raise_limit" && (
        <div className="grid grid-cols-3 gap-2">
          {field("container", "Container")}
          <label className="block">
            <span className="text-xs text-slate-500">Resource</span>
            <select name="resource" className={input}>
              <option>memory</option>
              <option>cpu</option>
            </select>
          </label>
          {field("value", "New limit", { placeholder: "768Mi" })}
        </div>
      )}
      {kind === "delete_pod" && (
        <>
          {field("pod", "Pod", { defaultValue: labels.pod ?? "" })}
          <label className="flex items-center gap-1">
            <input type="checkbox" name="force" /> Force (the pod is stuck terminating)
          </label>
        </>
      )}
      {kind === "silence" && (
        <>
          <label className="block">
            <span className="text-xs text-slate-500">Matchers (name=value per line; alertname required)</span>
            <textarea name="matchers" rows={3} className={`${input} font-mono`} defaultValue={silenceDefaults} required />
          </label>
          <div className="grid grid-cols-2 gap-2">
            {field("durationMinutes", "Expires after (minutes)", { type: "number", min: 5, max: 10080, defaultValue: 120 })}
            {field("comment", "Comment")}
          </div>
        </>
      )}
      <label className="block">
        <span className="text-xs text-slate-500">Why</span>
        <textarea name="rationale" rows={2} className={input} required />
      </label>
      {propose.error && (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {errorText(propose.error)}
        </p>
      )}
      <button type="submit" disabled={propose.isPending} className={button}>
        Propose
      </button>
    </form>
  );
}

function ActionCard({ action, onChanged }: { action: ActionView; onChanged: () => void }) {
  const { user, csrfToken } = useConsole();
  const [note, setNote] = useState("");
  const move = useMutation({
    mutationFn: (t: ActionTransition) => transitionAction(csrfToken, action.id, t, note),
    onSuccess: () => {
      setNote("");
      onChanged();
    },
  });
  const isOwn = action.proposedBy === user.username;
  const canDecide = hasRole(user.role, "admin") && action.status === "proposed" && !isOwn;
  const canFinish = hasRole(user.role, "responder") && (action.status === "proposed" || action.status === "approved");
  const buttons: { t: ActionTransition; label: string; show: boolean }[] = [
    { t: "approve", label: action.kind === "silence" ? "Approve and create silence" : "Approve", show: canDecide },
    { t: "reject", label: "Reject", show: canDecide },
    { t: "done", label: "Mark done", show: canFinish && action.status === "approved" },
    { t: "abandon", label: "Abandon", show: canFinish },
  ];
  return (
    <li className="space-y-2 rounded border border-slate-200 p-3 dark:border-slate-800" data-testid="action-proposal">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{action.title}</span>
        <Badge value={action.status} />
        <Badge value={`risk ${action.risk}`} />
        <span className="text-xs text-slate-500">
          {action.source === "derived" ? "derived from the report" : `proposed by ${action.proposedBy}`} · {formatTime(action.proposedAt)}
        </span>
      </div>
      <div className="flex items-start gap-2">
        <pre className="min-w-0 flex-1 overflow-x-auto rounded bg-slate-100 px-2 py-1 font-mono text-xs dark:bg-slate-950">{action.command}</pre>
        <CopyButton text={action.command} />
      </div>
      {action.rationale && <p>{action.rationale}</p>}
      {action.evidence.length > 0 && (
        <div>
          <div className="text-xs font-semibold text-slate-500">Evidence</div>
          <ul className="list-disc pl-5 text-xs">
            {action.evidence.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <div className="text-xs font-semibold text-slate-500">Before you run it</div>
        <ul className="list-disc pl-5 text-xs">
          {action.preconditions.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      </div>
      {action.silence && (
        <p className="text-xs" data-testid="silence">
          Alertmanager silence <span className="font-mono">{action.silence.id}</span>
          {action.silence.endsAt ? `, expires ${formatTime(action.silence.endsAt)}` : ""}
        </p>
      )}
      <ol className="space-y-0.5 text-xs text-slate-600 dark:text-slate-300" aria-label="Action history">
        {action.history.map((h, i) => (
          <li key={i}>
            {formatTime(h.at)} <span className="font-medium">{h.actor}</span> {historyVerbs[h.action] ?? h.action}
            {h.note ? `: ${h.note}` : ""}
          </li>
        ))}
      </ol>
      {buttons.some((b) => b.show) && (
        <div className="flex flex-wrap items-center gap-2">
          <input aria-label="Note" placeholder="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} className={`${input} max-w-xs`} />
          {buttons
            .filter((b) => b.show)
            .map((b) => (
              <button key={b.t} type="button" disabled={move.isPending} onClick={() => move.mutate(b.t)} className={b.t === "approve" ? button : secondary}>
                {b.label}
              </button>
            ))}
        </div>
      )}
      {action.status === "proposed" && isOwn && hasRole(user.role, "admin") && <p className="text-xs text-slate-500">Another admin must approve your own proposal.</p>}
      {move.error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {errorText(move.error)}
        </p>
      )}
    </li>
  );
}

/**
 * Proposed actions for a case: what Tarka derived from the report and what people proposed, with
 * approval by an admin who did not propose it. Tarka runs none of them, except creating a silence.
 */
export function ActionProposals({ caseId, namespace, labels }: { caseId: string; namespace: string | null; labels: Record<string, string> }) {
  const { user } = useConsole();
  const router = useRouter();
  const client = useQueryClient();
  const actions = useQuery(caseActionsOptions(caseId));
  const changed = () => {
    void client.invalidateQueries({ queryKey: actionKeys.forCase(caseId) });
    // The page's audit trail is server-rendered.
    router.refresh();
  };
  return (
    <div className="space-y-3 text-sm">
      <p className="text-xs text-slate-500">Tarka never changes the cluster: whoever runs a command records it here. An approved silence is the one thing Tarka creates, in Alertmanager.</p>
      {actions.isPending && <p className="text-slate-500">Loading…</p>}
      {actions.error && <p role="alert">{errorText(actions.error)}</p>}
      {actions.data?.length === 0 && <p className="text-slate-500">No actions proposed.</p>}
      <ul className="space-y-3">
        {actions.data?.map((a) => (
          <ActionCard key={a.id} action={a} onChanged={changed} />
        ))}
      </ul>
      {hasRole(user.role, "responder") ? (
        <ProposeForm caseId={caseId} namespace={namespace} labels={labels} onDone={changed} />
      ) : (
        <p className="text-slate-500">The {user.role} role can read proposals but not propose or approve them.</p>
      )}
    </div>
  );
}
