/** A case's title: the alert's summary, else `<alertname> · <target name>` (the subject, never its scraper). */
export function caseTitle(alert: { alertname: string; annotations: Record<string, string> }, targetName: string | null): string {
  const summary = alert.annotations.summary?.trim();
  if (summary) return summary.slice(0, 200);
  return targetName ? `${alert.alertname} · ${targetName}` : alert.alertname;
}
