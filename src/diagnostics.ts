/**
 * Diagnostics: what the loader and the checks say about a file, located at a span.
 * Codes: CTO0xx syntax, CTO1xx names, CTO2xx other static rules (§2), CTO3xx verdicts, CTO4xx execution.
 * The list of codes and their meaning lives in `spec/language.md`.
 */
import type { Span } from './model/types.js';

/** How serious a diagnostic is: errors stop loading (exit 2), warnings do not. */
export type Severity = 'error' | 'warning';

/** Something the tool says about a place in a source file. */
export interface Diagnostic {
  /** A stable code such as `CTO101`. */
  readonly code: string;
  /** Error or warning. */
  readonly severity: Severity;
  /** One sentence saying what is wrong. */
  readonly message: string;
  /** Where it is. */
  readonly span: Span;
  /** How to fix it, if we can say. */
  readonly hint?: string;
  /** Other places that explain it (e.g. where a connection was removed). */
  readonly related?: readonly { readonly message: string; readonly span: Span }[];
}

/** The 1-based line `line` of `source` (without its newline), or '' past the end. */
export function sourceLine(source: string, line: number): string {
  return source.split(/\r?\n/)[line - 1] ?? '';
}

/**
 * A diagnostic as a compiler prints it:
 * `file:line:col: error CTO101: message`, the source line with a caret under the span, and the hint.
 */
export function formatDiagnostic(d: Diagnostic, source: string | undefined): string {
  const { file, line, col } = d.span;
  const out = [`${file}:${line}:${col}: ${d.severity} ${d.code}: ${d.message}`];
  if (source !== undefined) {
    const text = sourceLine(source, line);
    const gutter = String(line).length;
    const width = Math.max(1, Math.min(d.span.end - d.span.start, text.length - (col - 1)));
    out.push(`${' '.repeat(gutter + 2)}|`);
    out.push(` ${line} | ${text}`);
    out.push(`${' '.repeat(gutter + 2)}| ${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(width)}`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  for (const r of d.related ?? []) out.push(`  note: ${r.message} (${r.span.file}:${r.span.line}:${r.span.col})`);
  return out.join('\n');
}

/** Process exit codes, chosen in one place (DEVELOPERS.md). */
export const ExitCode = {
  /** Loaded / verified / ran. */
  ok: 0,
  /** A violation was found. */
  violation: 1,
  /** Bad input or usage. */
  badInput: 2,
  /** A bound was reached before a verdict. */
  noVerdict: 3,
  /** Execution failed. */
  executionFailed: 4,
} as const;
