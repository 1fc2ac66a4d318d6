import { eq } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/auth/record-audit";
import type { DbOrTx } from "@/lib/db/client";
import { webhookEndpoints } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { toWebhookEndpointView } from "./webhook-endpoint-view";

/** Remove a webhook (admins only); its pending deliveries and its delivery log go with it. */
export async function deleteWebhookEndpoint({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { id: string } }): Promise<void> {
  const actor = requireRole(ctx.actor, "admin");
  if (!z.uuid().safeParse(input.id).success) throw new ServiceError("not_found", `no webhook ${input.id}`);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, input.id)).returning();
    if (!row) throw new ServiceError("not_found", `no webhook ${input.id}`);
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: null, action: "webhook.delete", before: toWebhookEndpointView(row) } });
  });
}
