import { z } from "zod";
import { invalidInput } from "@/lib/http/zod-issues";
import { boundAnnotations, boundLabels, type MappedAlert } from "../mapped-alert";

const named = z.object({ name: z.string() }).partial();

/** Jira issue webhook (jira:issue_created / _updated / _deleted). */
const jiraWebhookSchema = z.object({
  timestamp: z.number().optional(),
  webhookEvent: z.string(),
  issue: z.object({
    id: z.string(),
    key: z.string(),
    self: z.string().optional(),
    fields: z.object({
      summary: z.string().optional(),
      description: z.unknown().optional(),
      created: z.string().optional(),
      resolutiondate: z.string().nullish(),
      resolution: named.nullish(),
      project: z.object({ key: z.string(), name: z.string().optional() }),
      issuetype: named.optional(),
      priority: named.nullish(),
      status: z.object({ name: z.string().optional(), statusCategory: z.object({ key: z.string() }).partial().optional() }).optional(),
      labels: z.array(z.string()).optional(),
      components: z.array(named).optional(),
    }),
  }),
});

const issueEvents = new Set(["jira:issue_created", "jira:issue_updated", "jira:issue_deleted"]);

/** The browse link of an issue, from its REST `self` URL (https://site/rest/api/2/issue/10001). */
function browseUrl(self: string | undefined, key: string): string | undefined {
  if (!self) return undefined;
  try {
    return new URL(`/browse/${encodeURIComponent(key)}`, new URL(self).origin).toString();
  } catch {
    return undefined;
  }
}

/**
 * An open issue is a firing alert; resolved (a resolution set, its status in the "done" category, or
 * deleted) resolves it. Projects outside `projectFilter` (JIRA_PROJECT_FILTER) are ignored.
 */
export function mapJiraPayload(payload: unknown, projectFilter: string[]): MappedAlert[] {
  const parsed = jiraWebhookSchema.safeParse(payload);
  if (!parsed.success) throw invalidInput(parsed.error, "invalid Jira issue webhook payload");
  const { webhookEvent, issue } = parsed.data;
  const f = issue.fields;
  if (!issueEvents.has(webhookEvent)) return [];
  if (projectFilter.length > 0 && !projectFilter.includes(f.project.key)) return [];
  const isResolved = webhookEvent === "jira:issue_deleted" || Boolean(f.resolution) || f.status?.statusCategory?.key === "done";
  const url = browseUrl(issue.self, issue.key);
  return [
    {
      key: issue.id,
      alertname: "JiraIssue",
      status: isResolved ? "resolved" : "firing",
      labels: boundLabels({
        jira_project: f.project.key,
        jira_issue: issue.key,
        issue_type: f.issuetype?.name,
        severity: f.priority?.name?.toLowerCase(),
        service: f.components?.[0]?.name,
      }),
      annotations: boundAnnotations({
        summary: f.summary,
        description: typeof f.description === "string" ? f.description : undefined,
        issue_url: url,
        jira_status: f.status?.name,
      }),
      startsAt: f.created,
      endsAt: isResolved ? (f.resolutiondate ?? undefined) : undefined,
      generatorURL: url,
    },
  ];
}
