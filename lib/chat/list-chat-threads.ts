import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { chatThreads } from "@/lib/db/schema";

export const listChatThreadsQuerySchema = z.object({ caseId: z.uuid().optional() });

export type ChatThreadSummary = { id: string; owner: string; caseId: string | null; title: string; createdAt: string; updatedAt: string };

/** A case's threads (everyone who can read the case reads them), or, without caseId, the caller's own chats across cases. */
export async function listChatThreads({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: z.infer<typeof listChatThreadsQuerySchema>;
}): Promise<{ items: ChatThreadSummary[] }> {
  const actor = requireRole(ctx.actor, "viewer");
  const where: SQL = input.caseId ? eq(chatThreads.caseId, input.caseId) : and(isNull(chatThreads.caseId), eq(chatThreads.owner, actor.username))!;
  const rows = await ctx.db.select().from(chatThreads).where(where).orderBy(desc(chatThreads.updatedAt)).limit(100);
  return {
    items: rows.map((t) => ({ id: t.id, owner: t.owner, caseId: t.caseId, title: t.title, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString() })),
  };
}
