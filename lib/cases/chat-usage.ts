import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { preparedQuery } from "@/lib/db/prepared";
import { chatCaseUsage } from "@/lib/db/schema";

const usageOfCase = preparedQuery((db) =>
  db
    .select({ tokens: chatCaseUsage.tokens, costUsd: chatCaseUsage.costUsd })
    .from(chatCaseUsage)
    .where(eq(chatCaseUsage.caseId, sql.placeholder("caseId")))
    .prepare("chat_case_usage"),
);

export type CaseChatUsage = { tokens: number; costUsd: number };

/** Model tokens and estimated cost of every chat answer about the case (the running total recordAnswer keeps). */
export async function caseChatUsage(db: DbOrTx, caseId: string): Promise<CaseChatUsage> {
  const [row] = await usageOfCase(db).execute({ caseId });
  return row ?? { tokens: 0, costUsd: 0 };
}
