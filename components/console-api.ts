import { queryOptions } from "@tanstack/react-query";
import { CSRF_HEADER } from "@/lib/auth/csrf-header";
import type { CaseDetail } from "@/lib/cases/get-case";
import type { CaseSummary } from "@/lib/cases/list-cases";
import type { RerunView } from "@/lib/cases/request-rerun";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: "application/json", ...init?.headers }, cache: "no-store" });
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? "internal", body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

export type CaseList = { items: CaseSummary[]; nextCursor: string | null };

/** Query keys per concept, shared by every hook that reads cases. */
export const caseKeys = {
  all: ["cases"] as const,
  list: (filters: string) => [...caseKeys.all, "list", filters] as const,
  detail: (id: string) => [...caseKeys.all, "detail", id] as const,
  reruns: (id: string) => [...caseKeys.all, "reruns", id] as const,
};

export function fetchCaseList(filters: string): Promise<CaseList> {
  return request<CaseList>(`/api/v1/cases?${filters}`);
}

export const caseListOptions = (filters: string) => queryOptions({ queryKey: caseKeys.list(filters), queryFn: () => fetchCaseList(filters) });

export const caseDetailOptions = (id: string) =>
  queryOptions({ queryKey: caseKeys.detail(id), queryFn: () => request<CaseDetail>(`/api/v1/cases/${id}`) });

export function postCaseAction<T>(csrfToken: string, caseId: string, action: string, body: unknown = {}): Promise<T> {
  return request<T>(`/api/v1/cases/${caseId}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrfToken },
    body: JSON.stringify(body),
  });
}

export const caseRerunsOptions = (id: string) =>
  queryOptions({ queryKey: caseKeys.reruns(id), queryFn: async () => (await request<{ items: RerunView[] }>(`/api/v1/cases/${id}/reruns`)).items });
