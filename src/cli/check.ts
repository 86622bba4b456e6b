/**
 * `cto check FILE…`: load each file, print its errors and warnings like a compiler, then a
 * summary line. Exit 0 when no file has an error (warnings are fine), 2 otherwise.
 * `--json` prints the diagnostics of all files as one JSON array instead.
 */
import type { Command } from 'commander';
import { ExitCode, formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { loadFile } from '../model/load.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Checks the files; returns the text to print and the exit code (pure apart from reading the files). */
export function runCheck(files: readonly string[], json: boolean): { readonly text: string; readonly exitCode: number } {
  const all: Diagnostic[] = [];
  const blocks: string[] = [];
  for (const file of files) {
    const r = loadFile(file);
    all.push(...r.diagnostics);
    for (const d of r.diagnostics) blocks.push(formatDiagnostic(d, d.code === 'CTO000' ? undefined : r.source));
  }
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  const exitCode = errors > 0 ? ExitCode.badInput : ExitCode.ok;
  if (json) return { text: JSON.stringify(all, null, 2), exitCode };
  const what = files.length === 1 ? files[0]! : plural(files.length, 'file');
  const summary = errors > 0
    ? `${what}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`
    : `${what}: ok${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}`;
  return { text: [...blocks, summary].join('\n\n'), exitCode };
}

/** Registers `cto check` on the command line. */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('load .cto files and report syntax and static errors (exit 0 if none, 2 otherwise)')
    .argument('<files...>', '.cto files to check')
    .option('--json', 'print the diagnostics as JSON')
    .action((files: string[], opts: { json?: boolean }) => {
      const { text, exitCode } = runCheck(files, opts.json === true);
      process.stdout.write(`${text}\n`);
      process.exitCode = exitCode;
    });
}
