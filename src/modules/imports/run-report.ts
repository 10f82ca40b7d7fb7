import type { RunReport } from '../../importers/run.js';

/** A run report as the ImportRunWithProblems response shape (absent problem fields as null), with its actor. */
export function runReportBody(report: RunReport, actor: string | null) {
  return {
    ...report,
    actor,
    problems: report.problems.map((p) => ({
      severity: p.severity,
      line: p.line ?? null,
      recordId: p.recordId ?? null,
      field: p.field ?? null,
      message: p.message,
    })),
  };
}
