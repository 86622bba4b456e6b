/**
 * Loading a `.cto` file: parse (`src/grammar`), check every static rule of cto-language.md §2
 * (`rules.ts`), and build the indexed model (`build.ts`). Never throws for bad input.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics.js';
import { parse } from '../grammar/parse.js';
import { buildModel } from './build.js';
import { rawModelOf } from './fromAst.js';
import { checkRules } from './rules.js';
import type { Model } from './types.js';

/** The outcome of loading: a model (possibly with warnings), or the errors that prevent one. */
export type LoadResult =
  | { readonly status: 'ok'; readonly model: Model; readonly diagnostics: readonly Diagnostic[]; readonly source: string }
  | { readonly status: 'error'; readonly diagnostics: readonly Diagnostic[]; readonly source: string };

/** Parse + build + all static rules of §2. status 'error' iff any diagnostic has severity 'error'. */
export function loadSource(source: string, file: string): LoadResult {
  const parsed = parse(source, file);
  if (parsed.status === 'error') return { status: 'error', diagnostics: parsed.diagnostics, source };
  const diagnostics = [...parsed.diagnostics, ...checkRules(parsed.ast)];
  if (diagnostics.some((d) => d.severity === 'error')) return { status: 'error', diagnostics, source };
  return { status: 'ok', model: buildModel(rawModelOf(parsed.ast)), diagnostics, source };
}

/** Reads the file (a missing/unreadable file is an 'error' result with a diagnostic CTO000 at 1:1, not a throw). */
export function loadFile(path: string): LoadResult {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    const span = { file: path, start: 0, end: 0, line: 1, col: 1 };
    return {
      status: 'error',
      diagnostics: [{ code: 'CTO000', severity: 'error', message: `cannot read ${path}: ${reason}`, span }],
      source: '',
    };
  }
  return loadSource(source, path);
}
