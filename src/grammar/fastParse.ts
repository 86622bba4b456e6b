/**
 * A hand-written recursive-descent reader of the same language as `cto.ohm`, used as a fast
 * path: on well-formed input it returns the very tree the Ohm grammar gives (a differential
 * property test pins this down); on anything it does not accept it returns `undefined` and the
 * caller falls back to Ohm, which stays the authority on syntax and produces every syntax error.
 * It exists because Ohm needs about a second for a 1,000-component file.
 */
import type { Span } from '../model/types.js';
import type { AstCompItem, AstComponent, AstExpr, AstFile, AstInstr, AstInvariant, AstProgram, AstTransition, Ident } from './ast.js';
import { decodeString, MAX_NESTING, type SpanMaker, timeToMs } from './parse.js';

type Kind = 'ident' | 'number' | 'string' | 'punct';
interface Tok {
  readonly kind: Kind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

class Fail extends Error {}
const fail = (): never => {
  throw new Fail();
};

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentRest = (c: number): boolean => isIdentStart(c) || isDigit(c);

function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c <= 32) {
      i++;
    } else if (c === 47 && s.charCodeAt(i + 1) === 47) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? n : nl;
    } else if (c === 47 && s.charCodeAt(i + 1) === 42) {
      const close = s.indexOf('*/', i + 2);
      if (close < 0) fail();
      i = close + 2;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentRest(s.charCodeAt(j))) j++;
      toks.push({ kind: 'ident', text: s.slice(i, j), start: i, end: j });
      i = j;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < n && isDigit(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) === 46 && isDigit(s.charCodeAt(j + 1))) {
        j += 2;
        while (j < n && isDigit(s.charCodeAt(j))) j++;
      }
      toks.push({ kind: 'number', text: s.slice(i, j), start: i, end: j });
      i = j;
    } else if (c === 34) {
      let j = i + 1;
      while (j < n && s.charCodeAt(j) !== 34) j += s.charCodeAt(j) === 92 && (s.charCodeAt(j + 1) === 34 || s.charCodeAt(j + 1) === 92) ? 2 : 1;
      if (j >= n) fail();
      toks.push({ kind: 'string', text: s.slice(i + 1, j), start: i, end: j + 1 });
      i = j + 1;
    } else if (c === 45 && s.charCodeAt(i + 1) === 62) {
      toks.push({ kind: 'punct', text: '->', start: i, end: i + 2 });
      i += 2;
    } else if (c === 46 && s.charCodeAt(i + 1) === 46) {
      toks.push({ kind: 'punct', text: '..', start: i, end: i + 2 });
      i += 2;
    } else if ('{}():,.='.includes(s[i]!)) {
      toks.push({ kind: 'punct', text: s[i]!, start: i, end: i + 1 });
      i++;
    } else {
      fail();
    }
  }
  return toks;
}

const EXPR_KEYWORDS = new Set(['not', 'and', 'or', 'implies', 'in', 'active', 'idle']);

class Reader {
  private k = 0;
  constructor(
    private readonly toks: readonly Tok[],
    private readonly spans: SpanMaker,
  ) {}
  private peek(d = 0): Tok | undefined {
    return this.toks[this.k + d];
  }
  private is(text: string, d = 0): boolean {
    const t = this.peek(d);
    return t !== undefined && t.kind !== 'string' && t.text === text;
  }
  private take(text: string): Tok {
    if (!this.is(text)) fail();
    return this.toks[this.k++]!;
  }
  private ident(): Ident {
    const t = this.peek();
    if (!t || t.kind !== 'ident') return fail();
    this.k++;
    return { name: t.text, span: this.spans.span(t.start, t.end) };
  }
  private exprName(): Ident {
    const t = this.peek();
    if (!t || t.kind !== 'ident' || EXPR_KEYWORDS.has(t.text)) return fail();
    return this.ident();
  }
  private last(): number {
    return this.toks[this.k - 1]!.end;
  }
  private span(start: number): Span {
    return this.spans.span(start, this.last());
  }
  private names(): Ident[] {
    const out = [this.ident()];
    while (this.is(',')) {
      this.k++;
      out.push(this.ident());
    }
    return out;
  }
  private time(): { ms: number; start: number } {
    const n = this.peek();
    if (!n || n.kind !== 'number') return fail();
    this.k++;
    const u = this.peek();
    if (!u || u.kind !== 'ident' || (u.text !== 'ms' && u.text !== 's' && u.text !== 'm')) return fail();
    this.k++;
    return { ms: timeToMs(n.text, u.text), start: n.start };
  }
  private str(): { value: string; span: Span } {
    const t = this.peek();
    if (!t || t.kind !== 'string') return fail();
    this.k++;
    return { value: decodeString(t.text), span: this.spans.span(t.start, t.end) };
  }
  private transition(): AstTransition {
    const start = (this.peek() ?? fail()).start;
    const name = this.ident();
    this.take(':');
    const source = this.ident();
    this.take('->');
    const target = this.ident();
    let t: AstTransition = { name, source, target, span: this.span(start) };
    for (;;) {
      const next = this.peek(1);
      if (this.is('run') && next?.kind === 'string') {
        this.k++;
        t = { ...t, run: this.str() };
      } else if ((this.is('duration') || this.is('timeout')) && next?.kind === 'number') {
        const kw = this.toks[this.k++]!.text;
        const lo = this.time();
        if (kw === 'timeout') t = { ...t, timeout: { ms: lo.ms, span: this.span(lo.start) } };
        else {
          const hi = this.is('..') ? (this.k++, this.time()) : lo;
          t = { ...t, duration: { lo: lo.ms, hi: hi.ms, span: this.span(lo.start) } };
        }
      } else break;
      t = { ...t, span: this.span(start) };
    }
    return t;
  }
  private component(): AstComponent {
    const start = this.take('component').start;
    const name = this.ident();
    this.take('{');
    const items: AstCompItem[] = [];
    while (!this.is('}')) {
      const s = this.peek()?.start ?? fail();
      if (this.is('places')) {
        this.k++;
        items.push({ kind: 'places', names: this.names(), span: this.span(s) });
      } else if (this.is('initial')) {
        this.k++;
        items.push({ kind: 'initial', place: this.ident(), span: this.span(s) });
      } else if (this.is('behavior')) {
        this.k++;
        const bname = this.ident();
        this.take('{');
        const ts: AstTransition[] = [];
        while (!this.is('}')) ts.push(this.transition());
        this.k++;
        items.push({ kind: 'behavior', name: bname, transitions: ts, span: this.span(s) });
      } else if (this.is('use') || this.is('provide')) {
        const portKind = this.toks[this.k++]!.text as 'use' | 'provide';
        const pname = this.ident();
        this.take('on');
        const places = this.names();
        let value: string | undefined;
        if (portKind === 'provide' && this.is('=')) {
          this.k++;
          value = this.str().value;
        }
        items.push({ kind: 'port', portKind, name: pname, places, ...(value !== undefined ? { value } : {}), span: this.span(s) });
      } else fail();
    }
    this.k++;
    return { name, items, span: this.span(start) };
  }
  private instr(): AstInstr {
    const op = this.peek();
    if (!op || op.kind !== 'ident') return fail();
    this.k++;
    this.take('(');
    let i: AstInstr;
    const sp = (): Span => this.span(op.start);
    switch (op.text) {
      case 'add': {
        const instance = this.ident();
        this.take(':');
        const type = this.ident();
        this.take(')');
        return { op: 'add', instance, type, span: sp() };
      }
      case 'del':
      case 'wait': {
        const instance = this.ident();
        this.take(')');
        return { op: op.text, instance, span: sp() };
      }
      case 'con':
      case 'dcon': {
        const user = this.ident();
        this.take('.');
        const usePort = this.ident();
        this.take(',');
        const provider = this.ident();
        this.take('.');
        const providePort = this.ident();
        this.take(')');
        return { op: op.text, user, usePort, provider, providePort, span: sp() };
      }
      case 'pushB': {
        const instance = this.ident();
        this.take(',');
        const behavior = this.ident();
        this.take(')');
        return { op: 'pushB', instance, behavior, span: sp() };
      }
      case 'waitAll':
        this.take(')');
        i = { op: 'waitAll', span: sp() };
        return i;
      default:
        return fail();
    }
  }
  private program(): AstProgram {
    const start = this.take('program').start;
    const name = this.ident();
    let after: Ident | undefined;
    if (this.is('after') && this.peek(1)?.kind === 'ident') {
      this.k++;
      after = this.ident();
    }
    this.take('{');
    const instrs: AstInstr[] = [];
    while (!this.is('}')) instrs.push(this.instr());
    const close = this.take('}');
    return { name, ...(after ? { after } : {}), instrs, span: this.span(start), end: this.spans.span(close.start, close.end) };
  }
  /** An expression with its syntactic start (parentheses included, unlike its span). */
  private expr(depth: number): [AstExpr, number] {
    if (depth > MAX_NESTING) fail();
    const [left, start] = this.or(depth);
    if (!this.is('implies')) return [left, start];
    this.k++;
    const [right] = this.expr(depth + 1);
    return [{ kind: 'implies', left, right, span: this.span(start) }, start];
  }
  private or(depth: number): [AstExpr, number] {
    let [e, start] = this.and(depth);
    while (this.is('or')) {
      this.k++;
      const [r] = this.and(depth);
      e = { kind: 'or', left: e, right: r, span: this.span(start) };
    }
    return [e, start];
  }
  private and(depth: number): [AstExpr, number] {
    let [e, start] = this.not(depth);
    while (this.is('and')) {
      this.k++;
      const [r] = this.not(depth);
      e = { kind: 'and', left: e, right: r, span: this.span(start) };
    }
    return [e, start];
  }
  private not(depth: number): [AstExpr, number] {
    if (depth > MAX_NESTING) fail();
    const t = this.peek() ?? fail();
    if (this.is('not')) {
      this.k++;
      const [operand] = this.not(depth + 1);
      return [{ kind: 'not', operand, span: this.span(t.start) }, t.start];
    }
    if (this.is('(')) {
      this.k++;
      const [e] = this.expr(depth + 1);
      this.take(')');
      return [e, t.start];
    }
    const instance = this.exprName();
    if (this.is('in')) {
      this.k++;
      const place = this.exprName();
      return [{ kind: 'in', instance, place, span: this.span(t.start) }, t.start];
    }
    if (this.is('.')) {
      this.k++;
      const port = this.exprName();
      this.take('active');
      return [{ kind: 'active', instance, port, span: this.span(t.start) }, t.start];
    }
    this.take('idle');
    return [{ kind: 'idle', instance, span: this.span(t.start) }, t.start];
  }
  private invariant(): AstInvariant {
    const start = this.take('invariant').start;
    const name = this.ident();
    this.take(':');
    const [expr] = this.expr(0);
    return { name, expr, span: this.span(start) };
  }
  file(): AstFile {
    const components: AstComponent[] = [];
    const programs: AstProgram[] = [];
    const invariants: AstInvariant[] = [];
    while (this.k < this.toks.length) {
      if (this.is('component')) components.push(this.component());
      else if (this.is('program')) programs.push(this.program());
      else if (this.is('invariant')) invariants.push(this.invariant());
      else fail();
    }
    return { file: this.spans.file, components, programs, invariants };
  }
}

/** The syntax tree of `source` if the fast reader accepts it, else `undefined` (ask Ohm). */
export function fastParse(source: string, spans: SpanMaker): AstFile | undefined {
  try {
    return new Reader(tokenize(source), spans).file();
  } catch (e) {
    if (e instanceof Fail || e instanceof RangeError) return undefined;
    throw e;
  }
}
