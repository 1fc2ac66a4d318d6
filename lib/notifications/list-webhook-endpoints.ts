import { desc, eq } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { notificationOutbox, webhookEndpoints } from "@/lib/db/schema";
import { toWebhookEndpointView, type WebhookDeliveryView, type WebhookEndpointView } from "./webhook-endpoint-view";

const DELIVERIES_SHOWN = 50;

/** The webhooks (admins only) and the latest deliveries to them, newest first: the delivery log of the admin page. */
export async function listWebhookEndpoints({
  ctx,
}: {
  ctx: { db: DbOrTx; actor: Actor };
}): Promise<{ items: WebhookEndpointView[]; deliveries: WebhookDeliveryView[] }> {
  requireRole(ctx.actor, "admin");
  const endpoints = await ctx.db.select().from(webhookEndpoints).orderBy(webhookEndpoints.createdAt);
  const rows = await ctx.db
    .select()
    .from(notificationOutbox)
    .where(eq(notificationOutbox.channel, "webhook"))
    .orderBy(desc(notificationOutbox.seq))
    .limit(DELIVERIES_SHOWN);
  return {
    items: endpoints.map(toWebhookEndpointView),
    deliveries: rows.map((r) => ({
      id: r.id,
      endpointId: r.endpointId ?? "",
      event: r.event,
      caseId: r.caseId,
      status: r.status,
      attempts: r.attempts,
      responseCode: r.responseCode,
      durationMs: r.durationMs,
      lastError: r.lastError,
      nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
      createdAt: r.createdAt.toISOString(),
      deliveredAt: r.deliveredAt?.toISOString() ?? null,
    })),
  };
}
