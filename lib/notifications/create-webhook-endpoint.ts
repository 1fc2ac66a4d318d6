import { randomBytes } from "node:crypto";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/auth/record-audit";
import type { DbOrTx } from "@/lib/db/client";
import { webhookEndpoints } from "@/lib/db/schema";
import { caseEvents } from "@/lib/db/schema/constants";
import { toWebhookEndpointView, type WebhookEndpointView } from "./webhook-endpoint-view";

export const createWebhookEndpointInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  url: z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).max(2000),
  events: z.array(z.enum(caseEvents)).min(1, { message: "pick at least one event" }).default([...caseEvents]),
});
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointInputSchema>;

/**
 * A new outbound webhook (admins only). Tarka makes the Standard Webhooks secret (`whsec_` + 24
 * random bytes): it is returned here, once, for the receiver's configuration, and never shown again.
 */
export async function createWebhookEndpoint({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: z.infer<typeof createWebhookEndpointInputSchema>;
}): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const actor = requireRole(ctx.actor, "admin");
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ name: input.name, url: input.url, events: [...new Set(input.events)], secret, createdBy: actor.username })
      .returning();
    const endpoint = toWebhookEndpointView(row);
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: null, action: "webhook.create", after: endpoint } });
    return { endpoint, secret };
  });
}
