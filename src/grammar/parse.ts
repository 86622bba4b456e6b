/**
 * Parsing: `.cto` source → syntax tree (`ast.ts`), or syntax diagnostics (CTO0xx) in words.
 * The grammar is `cto.ohm`, read at runtime next to this module.
 */
import { readFileSync } from 'node:fs';
import * as ohm from 'ohm-js';
import type { Diagnostic } from '../diagnostics.js';
import type { Span } from '../model/types.js';
import type {
  AstCompItem,
  AstComponent,
  AstExpr,
  AstFile,
  AstInstr,
  AstInvariant,
  AstProgram,
  AstTransition,
  Ident,
} from './ast.js';
import { fastParse } from './fastParse.js';
import { scan } from './scan.js';
import { didYouMean } from './suggest.js';

/** The `.cto` grammar, loaded once. */
export const grammar: ohm.Grammar = ohm.grammar(readFileSync(new URL('./cto.ohm', import.meta.url), 'utf8'));

/** The deepest bracket or expression nesting the loader accepts. */
export const MAX_NESTING = 500;

/** The words of the language; they may not name components, programs or invariants. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'component', 'places', 'initial', 'behavior', 'use', 'provide', 'on', 'run', 'duration', 'timeout',
  'program', 'after', 'add', 'del', 'con', 'dcon', 'pushB', 'wait', 'waitAll', 'invariant',
  'not', 'and', 'or', 'implies', 'in', 'active', 'idle',
]);

/** Turns offsets of one source into `Span`s (1-based line and column). */
export class SpanMaker {
  private readonly lineStarts: number[] = [0];
  constructor(
    /** The file name put in every span. */
    readonly file: string,
    source: string,
  ) {
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }
  /** The span from `start` (inclusive) to `end` (exclusive). */
  span(start: number, end: number = start): Span {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, start, end, line: lo + 1, col: start - this.lineStarts[lo]! + 1 };
  }
}

/** The outcome of parsing: a tree, or the syntax errors that prevented it. */
export type ParseResult =
  | { readonly status: 'ok'; readonly ast: AstFile; readonly diagnostics: readonly Diagnostic[] }
  | { readonly status: 'error'; readonly diagnostics: readonly Diagnostic[] };

/** Decodes the body of a string literal (without quotes): `\"` → `"`, `\\` → `\`, other `\x` kept as is. */
export function decodeString(body: string): string {
  return body.replace(/\\([\s\S])/g, (all, c: string) => (c === '"' || c === '\\' ? c : all));
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** `value unit` in milliseconds, free of binary floating-point noise (`0.1s` is exactly 100). */
export function timeToMs(value: string, unit: string): number {
  return Number((Number(value) * UNIT_MS[unit]!).toPrecision(12));
}

function syntaxError(code: string, message: string, span: Span, hint?: string, related?: Diagnostic['related']): Diagnostic {
  return { code, severity: 'error', message, span, ...(hint ? { hint } : {}), ...(related ? { related } : {}) };
}

function describeFound(source: string, pos: number): string {
  const rest = source.slice(pos);
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
  if (word) return `'${word[0]}'`;
  const num = /^[0-9]+(\.[0-9]+)?/.exec(rest);
  if (num) return `the number ${num[0]}`;
  if (rest[0] === '"') return 'a string';
  const cp = rest.codePointAt(0)!;
  if (cp > 127) return `the character '${String.fromCodePoint(cp)}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
  return `'${rest[0]}'`;
}

function expectedWords(failures: readonly { getText(): string; getType(): string; isFluffy(): boolean }[]): string[] {
  const words: string[] = [];
  for (const f of failures) {
    if (f.isFluffy()) continue;
    const w = f.getType() === 'string' ? `'${f.getText()}'` : f.getText();
    if (!words.includes(w)) words.push(w);
  }
  return words.reverse(); // Ohm records them last-tried first

}

function orList(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? 'something else';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** The syntax diagnostic for a failed match of the chunk starting at `offset`, in words. */
function failureDiagnostic(source: string, m: ohm.MatchResult, offset: number, spans: SpanMaker): Diagnostic {
  const pos = offset + (m as unknown as { getRightmostFailurePosition(): number }).getRightmostFailurePosition();
  const failures = (m as unknown as { getRightmostFailures(): { getText(): string; getType(): string; isFluffy(): boolean }[] })
    .getRightmostFailures();
  const words = expectedWords(failures);
  const { open } = scan(source, pos);
  const inner = open[open.length - 1];
  const atEnd = source.slice(pos).trim() === '';
  if (atEnd && inner) {
    const close = inner.char === '{' ? '}' : ')';
    const opened = spans.span(inner.pos, inner.pos + 1);
    return syntaxError(
      'CTO002',
      `expected '${close}' to close ${inner.owner} (opened at ${opened.line}:${opened.col}), but the file ended`,
      spans.span(pos),
      `add '${close}' where ${inner.owner} should end`,
      [{ message: `${inner.owner} opened here`, span: opened }],
    );
  }
  const found = atEnd ? 'the end of the file' : describeFound(source, pos);
  const where = inner && inner.char === '{' && inner.owner !== 'block' ? ` in ${inner.owner}` : '';
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(pos));
  const keywordsExpected = words.filter((w) => /^'[A-Za-z]+'$/.test(w)).map((w) => w.slice(1, -1));
  const hint = word ? didYouMean(word[0], keywordsExpected) : undefined;
  const len = word ? word[0].length : 1;
  return syntaxError('CTO001', `expected ${orList(words)}${where}, but found ${found}`, spans.span(pos, Math.min(source.length, pos + len)), hint);
}

/** Builds the syntax tree from a successful match. */
function makeSemantics(spans: SpanMaker, offset: { value: number }): ohm.Semantics {
  const sem = grammar.createSemantics();
  const sp = (n: ohm.Node): Span => spans.span(offset.value + n.source.startIdx, offset.value + n.source.endIdx);
  const id = (n: ohm.Node): Ident => ({ name: n.sourceString, span: sp(n) });
  const ast = (n: ohm.Node): any => n['ast']();
  const names = (list: ohm.Node): Ident[] => list.asIteration().children.map(id);
  const link = (op: 'con' | 'dcon', self: ohm.Node, a: ohm.Node, u: ohm.Node, b: ohm.Node, p: ohm.Node): AstInstr => ({
    op, user: id(a), usePort: id(u), provider: id(b), providePort: id(p), span: sp(self),
  });
  const binary = (kind: 'and' | 'or' | 'implies', self: ohm.Node, l: ohm.Node, r: ohm.Node): AstExpr => ({
    kind, left: ast(l), right: ast(r), span: sp(self),
  });
  sem.addOperation<unknown>('ast', {
    File(decls): AstFile {
      const all = decls.children.map(ast) as ({ decl: 'component'; v: AstComponent } | { decl: 'program'; v: AstProgram } | { decl: 'invariant'; v: AstInvariant })[];
      return {
        file: spans.file,
        components: all.flatMap((d) => (d.decl === 'component' ? [d.v] : [])),
        programs: all.flatMap((d) => (d.decl === 'program' ? [d.v] : [])),
        invariants: all.flatMap((d) => (d.decl === 'invariant' ? [d.v] : [])),
      };
    },
    Component(_kw, name, _o, items, _c) {
      return { decl: 'component', v: { name: id(name), items: items.children.map(ast), span: sp(this) } };
    },
    CompItem_places(_kw, list): AstCompItem {
      return { kind: 'places', names: names(list), span: sp(this) };
    },
    CompItem_initial(_kw, place): AstCompItem {
      return { kind: 'initial', place: id(place), span: sp(this) };
    },
    CompItem_behavior(_kw, name, _o, ts, _c): AstCompItem {
      return { kind: 'behavior', name: id(name), transitions: ts.children.map(ast), span: sp(this) };
    },
    CompItem_use(_kw, name, _on, list): AstCompItem {
      return { kind: 'port', portKind: 'use', name: id(name), places: names(list), span: sp(this) };
    },
    CompItem_provide(_kw, name, _on, list, value): AstCompItem {
      const v = value.children[0];
      return {
        kind: 'port', portKind: 'provide', name: id(name), places: names(list), span: sp(this),
        ...(v ? { value: ast(v) as string } : {}),
      };
    },
    ProvideValue(_eq, s) {
      return ast(s);
    },
    Transition(name, _colon, source, _arrow, target, attrs): AstTransition {
      let t: AstTransition = { name: id(name), source: id(source), target: id(target), span: sp(this) };
      for (const a of attrs.children) t = { ...t, ...(ast(a) as Partial<AstTransition>) };
      return t;
    },
    TransAttr_run(_kw, s) {
      return { run: { value: ast(s), span: sp(s) } };
    },
    TransAttr_duration(_kw, d) {
      return { duration: { ...ast(d), span: sp(d) } };
    },
    TransAttr_timeout(_kw, t) {
      return { timeout: { ms: ast(t), span: sp(t) } };
    },
    Duration_range(lo, _dots, hi) {
      return { lo: ast(lo), hi: ast(hi) };
    },
    Duration_fixed(t) {
      const ms = ast(t) as number;
      return { lo: ms, hi: ms };
    },
    Time(n, unit) {
      return timeToMs(n.sourceString, unit.sourceString);
    },
    Program(_kw, name, after, _o, instrs, close) {
      const a = after.children[0];
      const v: AstProgram = {
        name: id(name),
        ...(a ? { after: id(a.children[1]!) } : {}),
        instrs: instrs.children.map(ast),
        span: sp(this),
        end: sp(close),
      };
      return { decl: 'program', v };
    },
    Instr_add(_kw, _o, inst, _colon, type, _c): AstInstr {
      return { op: 'add', instance: id(inst), type: id(type), span: sp(this) };
    },
    Instr_del(_kw, _o, inst, _c): AstInstr {
      return { op: 'del', instance: id(inst), span: sp(this) };
    },
    Instr_con(_kw, _o, a, _d1, u, _comma, b, _d2, p, _c): AstInstr {
      return link('con', this, a, u, b, p);
    },
    Instr_dcon(_kw, _o, a, _d1, u, _comma, b, _d2, p, _c): AstInstr {
      return link('dcon', this, a, u, b, p);
    },
    Instr_pushB(_kw, _o, inst, _comma, beh, _c): AstInstr {
      return { op: 'pushB', instance: id(inst), behavior: id(beh), span: sp(this) };
    },
    Instr_wait(_kw, _o, inst, _c): AstInstr {
      return { op: 'wait', instance: id(inst), span: sp(this) };
    },
    Instr_waitAll(_kw, _o, _c): AstInstr {
      return { op: 'waitAll', span: sp(this) };
    },
    Invariant(_kw, name, _colon, expr) {
      return { decl: 'invariant', v: { name: id(name), expr: ast(expr), span: sp(this) } };
    },
    Implies_implies(l, _kw, r) {
      return binary('implies', this, l, r);
    },
    Or_or(l, _kw, r) {
      return binary('or', this, l, r);
    },
    And_and(l, _kw, r) {
      return binary('and', this, l, r);
    },
    Not_not(_kw, e): AstExpr {
      return { kind: 'not', operand: ast(e), span: sp(this) };
    },
    Atom_paren(_o, e, _c) {
      return ast(e);
    },
    Atom_in(inst, _kw, place): AstExpr {
      return { kind: 'in', instance: id(inst), place: id(place), span: sp(this) };
    },
    Atom_active(inst, _dot, port, _kw): AstExpr {
      return { kind: 'active', instance: id(inst), port: id(port), span: sp(this) };
    },
    Atom_idle(inst, _kw): AstExpr {
      return { kind: 'idle', instance: id(inst), span: sp(this) };
    },
    string(_o, chars, _c) {
      return decodeString(chars.sourceString);
    },
    _nonterminal(...children) {
      if (children.length === 1) return ast(children[0]!);
      throw new Error(`cto grammar: no 'ast' action for ${this.ctorName}`);
    },
  });
  return sem;
}

/** The depth of an expression tree, computed without recursion. */
export function exprDepth(e: AstExpr): number {
  let max = 0;
  const stack: [AstExpr, number][] = [[e, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    if (x.kind === 'not') stack.push([x.operand, d + 1]);
    else if (x.kind === 'and' || x.kind === 'or' || x.kind === 'implies') stack.push([x.left, d + 1], [x.right, d + 1]);
  }
  return max;
}

function tooDeep(span: Span, what: string): Diagnostic {
  return syntaxError('CTO005', `${what} is nested too deeply (more than ${MAX_NESTING} levels)`, span, 'split it into several invariants or remove redundant parentheses');
}

/**
 * Parses `source` (named `file` in spans) into a syntax tree. Never throws on any input:
 * unterminated strings/comments, unexpected tokens, and excessive nesting become diagnostics.
 */
export function parse(source: string, file: string, options: { readonly fast?: boolean } = {}): ParseResult {
  const spans = new SpanMaker(file, source);
  const pre = scan(source);
  if (pre.unterminated) {
    const { kind, pos } = pre.unterminated;
    const span = spans.span(pos, pos + (kind === 'string' ? 1 : 2));
    return {
      status: 'error',
      diagnostics: [
        kind === 'string'
          ? syntaxError('CTO003', 'unterminated string: this opening quote has no closing quote before the end of the file', span, "close the string with '\"' (write \\\" for a quote inside it)")
          : syntaxError('CTO004', "unterminated comment: this '/*' has no closing '*/' before the end of the file", span, "close the comment with '*/'"),
      ],
    };
  }
  if (pre.maxDepth > MAX_NESTING) {
    return { status: 'error', diagnostics: [tooDeep(spans.span(pre.maxDepthPos, pre.maxDepthPos + 1), 'this bracket')] };
  }
  const fast = options.fast === false ? undefined : fastParse(source, spans);
  const ast = fast ?? ohmParse(source, spans, pre.declStarts);
  if (!('components' in ast)) return { status: 'error', diagnostics: [ast] };
  return finish(ast);
}

/**
 * The Ohm parse (the authority on syntax), one declaration at a time (see `ScanResult.declStarts`):
 * the same tree as one match of the whole file, several times faster.
 */
function ohmParse(source: string, spans: SpanMaker, declStarts: readonly number[]): AstFile | Diagnostic {
  const bounds = [0, ...declStarts.filter((x) => x > 0), source.length];
  const offset = { value: 0 };
  const sem = makeSemantics(spans, offset);
  const parts: AstFile[] = [];
  try {
    for (let k = 0; k + 1 < bounds.length; k++) {
      offset.value = bounds[k]!;
      const m = grammar.match(source.slice(bounds[k], bounds[k + 1]));
      if (m.failed()) return failureDiagnostic(source, m, offset.value, spans);
      parts.push(sem(m)['ast']() as AstFile);
    }
  } catch (e) {
    if (e instanceof RangeError) return tooDeep(spans.span(0), 'the file');
    throw e;
  }
  return {
    file: spans.file,
    components: parts.flatMap((p) => p.components),
    programs: parts.flatMap((p) => p.programs),
    invariants: parts.flatMap((p) => p.invariants),
  };
}

/** The checks on a tree that the grammar leaves out: expression depth, keywords as declaration names. */
function finish(ast: AstFile): ParseResult {
  const diagnostics: Diagnostic[] = [];
  for (const inv of ast.invariants) {
    if (exprDepth(inv.expr) > MAX_NESTING) diagnostics.push(tooDeep(inv.expr.span, `the expression of invariant ${inv.name.name}`));
  }
  const declNames: [string, Ident][] = [
    ...ast.components.map((c): [string, Ident] => ['component', c.name]),
    ...ast.programs.map((p): [string, Ident] => ['program', p.name]),
    ...ast.invariants.map((i): [string, Ident] => ['invariant', i.name]),
  ];
  for (const [kind, n] of declNames) {
    if (KEYWORDS.has(n.name)) {
      diagnostics.push(syntaxError('CTO006', `'${n.name}' is a keyword and cannot name a ${kind}`, n.span, `rename the ${kind}, e.g. '${n.name}_'`));
    }
  }
  return diagnostics.length > 0 ? { status: 'error', diagnostics } : { status: 'ok', ast, diagnostics };
}
