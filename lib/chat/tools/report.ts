import { z } from "zod";
import { describeReportSection, reportSections } from "@/lib/investigate/describe-report";
import { defineTool } from "./chat-tool";

export const getReportSectionTool = defineTool({
  name: "get_report_section",
  description: `A section of the case's latest investigation report: ${reportSections.join(", ")}.`,
  input: z.object({ section: z.enum(reportSections) }),
  scopes: ["case"],
  async run(ctx, { section }) {
    if (!ctx.report) return { outcome: "empty", summary: "this case has no report yet", view: null };
    return { outcome: "ok", summary: describeReportSection(ctx.report, section), view: null };
  },
});
