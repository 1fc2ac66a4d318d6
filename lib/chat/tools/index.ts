import type { ChatScope } from "../scope";
import type { ChatTool } from "./chat-tool";
import { listFiringAlertsTool } from "./alerts";
import { searchCasesTool } from "./cases";
import { proposeActionTool, similarCasesTool } from "./case-memory";
import { getEventsTool, getPodTool, getWorkloadTool, listPodsTool } from "./kubernetes";
import { getPodLogsTool, searchLogsTool } from "./logs";
import { queryMetricsRangeTool, queryMetricsTool } from "./metrics";
import { getReportSectionTool } from "./report";
import { rerunInvestigationTool } from "./run";

export const chatTools: ChatTool[] = [
  getReportSectionTool,
  queryMetricsTool,
  queryMetricsRangeTool,
  getPodTool,
  listPodsTool,
  getEventsTool,
  getWorkloadTool,
  getPodLogsTool,
  searchLogsTool,
  searchCasesTool,
  listFiringAlertsTool,
  similarCasesTool,
  proposeActionTool,
  rerunInvestigationTool,
] as ChatTool[];

/**
 * The tools a model may call in this chat; propose_action and rerun_investigation only when the user
 * asked for an action or a re-run this turn.
 */
export function toolsFor(scope: ChatScope, options: { mayPropose: boolean; mayRerun: boolean }): ChatTool[] {
  return chatTools.filter(
    (t) => t.scopes.includes(scope.kind) && (t !== proposeActionTool || options.mayPropose) && (t !== rerunInvestigationTool || options.mayRerun),
  );
}

export function findTool(name: string): ChatTool | undefined {
  return chatTools.find((t) => t.name === name);
}
