/**
 * A light lexical scan of a `.cto` source, independent of Ohm: finds unterminated strings and
 * comments, measures bracket nesting, and tells which brackets are open at a position.
 * It lets syntax errors speak of "component Web (opened at 8:15)" instead of Ohm's internals,
 * and lets the parser refuse absurd nesting before recursing into it.
 */

/** A bracket left open at some position, with what opened it (e.g. `component Web`). */
export interface OpenBracket {
  /** `{` or `(`. */
  readonly char: '{' | '(';
  /** Offset of the bracket. */
  readonly pos: number;
  /** What the bracket belongs to, in words: `component Web`, `behavior deploy`, `program p`, or `'('`. */
  readonly owner: string;
}

/** What the scan found. */
export interface ScanResult {
  /** A string or block comment that the file ends inside, with the offset where it opens. */
  readonly unterminated?: { readonly kind: 'string' | 'comment'; readonly pos: number };
  /** The brackets still open at the stop position, outermost first. */
  readonly open: readonly OpenBracket[];
  /** The deepest bracket nesting seen, and the offset of the bracket that reached it. */
  readonly maxDepth: number;
  /** Offset of the bracket that reached `maxDepth` (0 when there is none). */
  readonly maxDepthPos: number;
  /**
   * Offsets where a declaration surely starts: `component N {`, `program N {`, `program N after`
   * or `invariant N :` outside any bracket, string or comment. None of these can occur inside an
   * invariant's expression, so the file can be parsed one declaration at a time from there.
   */
  readonly declStarts: readonly number[];
}

const DECL_START = /^(?:component\s+[A-Za-z_][A-Za-z0-9_]*\s*\{|program\s+[A-Za-z_][A-Za-z0-9_]*\s*(?:\{|after(?![A-Za-z0-9_]))|invariant\s+[A-Za-z_][A-Za-z0-9_]*\s*:)/;

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentRest = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

function ownerOf(recent: readonly string[]): string {
  const n = recent.length;
  const at = (k: number): string | undefined => recent[n - k];
  if (at(2) === 'component' || at(2) === 'behavior' || at(2) === 'program') return `${at(2)} ${at(1)}`;
  if (at(4) === 'program' && at(2) === 'after') return `program ${at(3)}`;
  return 'block';
}

/** Scans `source` from the start up to offset `stopAt` (default: the whole source). */
export function scan(source: string, stopAt = source.length): ScanResult {
  const open: OpenBracket[] = [];
  const declStarts: number[] = [];
  const recent: string[] = [];
  let maxDepth = 0;
  let maxDepthPos = 0;
  let i = 0;
  const push = (t: string): void => {
    recent.push(t);
    if (recent.length > 8) recent.shift();
  };
  while (i < stopAt) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl + 1;
    } else if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) return { unterminated: { kind: 'comment', pos: i }, open, maxDepth, maxDepthPos, declStarts };
      i = close + 2;
    } else if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return { unterminated: { kind: 'string', pos: i }, open, maxDepth, maxDepthPos, declStarts };
      push('"');
      i = j + 1;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < source.length && isIdentRest(source[j]!)) j++;
      const word = source.slice(i, j);
      if (open.length === 0 && (word === 'component' || word === 'program' || word === 'invariant') && DECL_START.test(source.slice(i, i + 300))) {
        declStarts.push(i);
      }
      push(word);
      i = j;
    } else {
      if (c === '{' || c === '(') {
        open.push({ char: c, pos: i, owner: c === '{' ? ownerOf(recent) : "'('" });
        if (open.length > maxDepth) {
          maxDepth = open.length;
          maxDepthPos = i;
        }
      } else if (c === '}' || c === ')') {
        open.pop();
      }
      if (!/\s/.test(c)) push(c);
      i++;
    }
  }
  return { open, maxDepth, maxDepthPos, declStarts };
}
