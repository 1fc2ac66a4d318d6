import type { CaseEvent, NotificationStatus } from "@/lib/db/schema/constants";
import type { webhookEndpoints } from "@/lib/db/schema";

/** A webhook endpoint as the console shows it: never the secret. */
export type WebhookEndpointView = {
  id: string;
  name: string;
  url: string;
  events: CaseEvent[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
};

export type WebhookDeliveryView = {
  id: string;
  endpointId: string;
  event: string;
  caseId: string | null;
  status: NotificationStatus;
  attempts: number;
  responseCode: number | null;
  durationMs: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

export function toWebhookEndpointView(row: typeof webhookEndpoints.$inferSelect): WebhookEndpointView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}
