import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import type { SlackApi } from "./slack-api";

/**
 * The Tarka user behind a Slack user: Slack's profile e-mail (users.info, scope users:read.email)
 * matched to an enabled Tarka account with the same e-mail. Null when either side has no match.
 */
export async function slackActor({ ctx, input }: { ctx: { db: DbOrTx; slack: SlackApi }; input: { slackUserId: string } }): Promise<Actor | null> {
  const email = await ctx.slack.userEmail(input.slackUserId);
  if (!email) return null;
  const [user] = await ctx.db
    .select()
    .from(users)
    .where(and(sql`lower(${users.email}) = ${email.toLowerCase()}`, eq(users.disabled, false)))
    .limit(2);
  if (!user) return null;
  return { id: user.id, username: user.username, name: user.name, role: user.role, sessionId: null };
}
