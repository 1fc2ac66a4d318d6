// POST /api/slack/interactions — buttons on case messages (acknowledge, snooze 4h, resolve, open), signed by Slack
import { ServiceError } from "@/lib/errors";
import { handleSlackInteraction, slackInteractionSchema } from "@/lib/slack/handle-interaction";
import { slackRoute } from "../_lib/slack-route";

export const dynamic = "force-dynamic";

export const POST = slackRoute("interactions", async ({ rt, body }) => {
  if (!rt.slack) throw new ServiceError("not_found", "Slack is not configured (SLACK_BOT_TOKEN)");
  const raw = new URLSearchParams(body.toString("utf8")).get("payload");
  let json: unknown;
  try {
    json = JSON.parse(raw ?? "");
  } catch {
    throw new ServiceError("invalid_input", "expected a form field `payload` holding JSON");
  }
  const parsed = slackInteractionSchema.safeParse(json);
  if (!parsed.success) throw new ServiceError("invalid_input", "not a Slack interaction payload");
  await handleSlackInteraction({ ctx: { db: rt.database.db, slack: rt.slack, outbound: rt.outbound, log: rt.log, now: new Date() }, input: parsed.data });
  return new Response(null, { status: 200 });
});
