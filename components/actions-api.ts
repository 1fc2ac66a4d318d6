import { queryOptions } from "@tanstack/react-query";
import type { ActionView } from "@/lib/actions/action-view";
import { CSRF_HEADER } from "@/lib/auth/csrf-header";
import type { SeenBefore } from "@/lib/investigate/report";
import { request } from "./console-api";

export const actionKeys = {
  forCase: (caseId: string) => ["cases", "actions", caseId] as const,
  similar: (caseId: string) => ["cases", "similar", caseId] as const,
};

export const caseActionsOptions = (caseId: string) =>
  queryOptions({
    queryKey: actionKeys.forCase(caseId),
    queryFn: async () => (await request<{ items: ActionView[] }>(`/api/v1/cases/${caseId}/actions`)).items,
  });

export const similarCasesOptions = (caseId: string) =>
  queryOptions({
    queryKey: actionKeys.similar(caseId),
    queryFn: async () => (await request<{ items: SeenBefore[] }>(`/api/v1/cases/${caseId}/similar`)).items,
  });

function post<T>(csrfToken: string, path: string, body: unknown): Promise<T> {
  return request<T>(path, { method: "POST", headers: { "content-type": "application/json", [CSRF_HEADER]: csrfToken }, body: JSON.stringify(body) });
}

export function proposeCaseAction(csrfToken: string, caseId: string, body: unknown): Promise<ActionView> {
  return post(csrfToken, `/api/v1/cases/${caseId}/actions`, body);
}

export type ActionTransition = "approve" | "reject" | "done" | "abandon";

export function transitionAction(csrfToken: string, actionId: string, transition: ActionTransition, note: string): Promise<ActionView> {
  return post(csrfToken, `/api/v1/actions/${actionId}/${transition}`, { note });
}
