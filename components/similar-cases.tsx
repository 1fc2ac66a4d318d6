"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { similarCasesOptions } from "./actions-api";
import { Badge } from "./badge";
import { ApiError } from "./console-api";
import { formatTime } from "./format";

const matchLabels = { same_target: "same alert, service or workload", same_family: "same family", similar_text: "similar wording" } as const;

/** Case memory: past cases like this one and how they ended. */
export function SimilarCases({ caseId }: { caseId: string }) {
  const similar = useQuery(similarCasesOptions(caseId));
  if (similar.isPending) return <p className="text-sm text-slate-500">Loading…</p>;
  if (similar.error) return <p role="alert" className="text-sm">{similar.error instanceof ApiError ? similar.error.message : String(similar.error)}</p>;
  if (similar.data.length === 0) return <p className="text-sm text-slate-500">No similar past case.</p>;
  return (
    <ul className="space-y-2 text-sm" data-testid="seen-before">
      {similar.data.map((s) => (
        <li key={s.caseId}>
          <Link href={`/cases/${s.caseId}`} className="font-medium text-sky-700 hover:underline dark:text-sky-300">
            {s.title}
          </Link>
          <div className="flex flex-wrap items-center gap-1 text-xs text-slate-500">
            <Badge value={s.status} /> {matchLabels[s.match]} · last seen {formatTime(s.lastSeenAt)}
          </div>
          {s.resolution && (
            <div className="text-xs">
              Resolved {s.resolution.category.replace("_", " ")} by {s.resolution.by}: {s.resolution.summary}
            </div>
          )}
          {s.feedback && (
            <div className="text-xs">
              Report judged {s.feedback.verdict}
              {s.confirmedCategory ? ` · it was ${s.confirmedCategory}` : ""}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
