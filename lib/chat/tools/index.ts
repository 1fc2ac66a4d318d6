import type { ChatScope } from "../scope";
import type { ChatTool } from "./chat-tool";
import { listFiringAlertsTool } from "./alerts";
import { searchCasesTool } from "./cases";
import { getEventsTool, getPodTool, getWorkloadTool, listPodsTool } from "./kubernetes";
import { getPodLogsTool, searchLogsTool } from "./logs";
import { queryMetricsRangeTool, queryMetricsTool } from "./metrics";
import { getReportSectionTool } from "./report";

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
] as ChatTool[];

export function toolsFor(scope: ChatScope): ChatTool[] {
  return chatTools.filter((t) => t.scopes.includes(scope.kind));
}

export function findTool(name: string): ChatTool | undefined {
  return chatTools.find((t) => t.name === name);
}
