import type { SdiIssue } from '../validation/issues.js'

export type IssueSink = (code: string, path: string, message: string) => void

/** Collects issues in the order the checks find them. */
export function collector(): { issues: SdiIssue[]; add: IssueSink } {
  const issues: SdiIssue[] = []
  return { issues, add: (code, path, message) => issues.push({ code, message, path }) }
}
