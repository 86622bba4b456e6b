/**
 * The static rules of cto-language.md §2 (checked on the syntax tree, all reported at once).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { AstFile } from '../grammar/ast.js';

/** Every diagnostic (errors and warnings) of the static rules for a parsed file. */
export function checkRules(_ast: AstFile): Diagnostic[] {
  return [];
}
