import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeString, parse, timeToMs } from '../../src/grammar/parse.js';
import { loadSource } from '../../src/model/load.js';
import { pathToFileURL } from 'node:url';
import { CONFORMANCE_DIR } from '../shared.js';

const CONF = pathToFileURL(`${CONFORMANCE_DIR}/`);
const confFiles = (() => {
  try {
    return readdirSync(CONF).filter((f) => f.endsWith('.cto'));
  } catch {
    return [];
  }
})();
const read = (f: string): string => readFileSync(new URL(f, CONF), 'utf8');

function model(src: string) {
  const r = loadSource(src, 't.cto');
  if (r.status !== 'ok') throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.model;
}
function syntax(src: string) {
  const r = parse(src, 't.cto');
  expect(r.status).toBe('error');
  return r.diagnostics[0]!;
}

describe('grammar: constructs', () => {
  it('component with places, initial, behaviors, ports, provide value', () => {
    const m = model(`component S { places a, b, c  initial a
      behavior go { t1: a -> b duration 2s  t2: b -> c }
      use u on b, c
      provide p on c = "\${host}:80" }
      program q { add(s: S) }`);
    const c = m.components[0]!;
    expect(c.places).toEqual(['a', 'b', 'c']);
    expect(c.initial).toBe('a');
    expect(c.behaviors[0]!.transitions.map((t) => [t.name, t.source, t.target, t.duration])).toEqual([
      ['t1', 'a', 'b', { lo: 2000, hi: 2000 }],
      ['t2', 'b', 'c', undefined],
    ]);
    expect(c.ports.map((p) => [p.kind, p.name, p.places, p.value])).toEqual([
      ['use', 'u', ['b', 'c'], undefined],
      ['provide', 'p', ['c'], '${host}:80'],
    ]);
    expect([...c.portByName.get('u')!.groupTransitions]).toEqual(['t2']);
  });

  it('times in ms, s, m, decimals, whitespace before the unit, intervals, timeout and run', () => {
    const m = model(`component S { places a, b initial a behavior go { t: a -> b duration 1.5 s..2m timeout 250ms run "x" } }
      program q { add(s: S) }`);
    const t = m.components[0]!.behaviors[0]!.transitions[0]!;
    expect([t.duration, t.timeout, t.run]).toEqual([{ lo: 1500, hi: 120_000 }, 250, 'x']);
    expect(timeToMs('0.1', 's')).toBe(100);
  });

  it('strings: \\" and \\\\ escapes, other backslashes kept, newlines allowed', () => {
    expect(decodeString('a\\"b\\\\c\\$d\\n')).toBe('a"b\\c\\$d\\n');
    const m = model('component S { places a, b initial a behavior go { t: a -> b run "line1\nline2 \\"q\\"" } }\nprogram q { add(s: S) }');
    expect(m.components[0]!.behaviors[0]!.transitions[0]!.run).toBe('line1\nline2 "q"');
  });

  it('every instruction, with spans', () => {
    const m = model(`component A { places a, b initial a behavior go { t: a -> b } use u on b }
component B { places a initial a provide p on a }
program q {
  add(x: A) add(y: B) con(x.u, y.p) pushB(x, go) wait(x) dcon(x.u, y.p) del(x) waitAll()
}`);
    const ins = m.programs[0]!.instrs;
    expect(ins.map((i) => i.op)).toEqual(['add', 'add', 'con', 'pushB', 'wait', 'dcon', 'del', 'waitAll']);
    expect(ins[2]).toMatchObject({ user: 'x', usePort: 'u', provider: 'y', providePort: 'p', span: { line: 4, col: 23 } });
  });

  it('program after, comments are whitespace', () => {
    const m = model(`// line comment
component A /* block
comment */ { places a initial a }
program p { add(x: A) } // trailing
program r after p { del(x) }`);
    expect(m.programs.map((p) => [p.name, p.after])).toEqual([['p', undefined], ['r', 'p']]);
  });

  it('keywords may name places, instances, behaviors, transitions and ports', () => {
    const m = model(`component C { places initial, wait initial initial
      behavior run { duration: initial -> wait run "x" timeout: wait -> places }
      places places
      provide on on wait }
      program p { add(con: C) pushB(con, run) wait(con) }`);
    const c = m.components[0]!;
    expect(c.places).toEqual(['initial', 'wait', 'places']);
    expect(c.behaviors[0]!.transitions.map((t) => t.name)).toEqual(['duration', 'timeout']);
    expect(m.programs[0]!.instrs[0]).toMatchObject({ op: 'add', instance: 'con', type: 'C' });
  });

  it('keywords may not name components, programs or invariants', () => {
    const d = syntax('component places { places a initial a }');
    expect(d).toMatchObject({ code: 'CTO006', message: "'places' is a keyword and cannot name a component" });
    expect(syntax('program wait { }').message).toBe("'wait' is a keyword and cannot name a program");
  });

  it('invariant precedence: not > and > or > implies, implies right-associative', () => {
    const m = model(`component C { places a, b initial a provide p on b }
program q { add(x: C) }
invariant i: not x idle and x in a or x.p active implies x in b implies x idle`);
    const e = m.invariants[0]!.expr;
    const shape = (x: typeof e): unknown =>
      x.kind === 'not' ? ['not', shape(x.operand)] : 'left' in x ? [x.kind, shape(x.left), shape(x.right)] : x.kind;
    expect(shape(e)).toEqual(['implies', ['or', ['and', ['not', 'idle'], 'in'], 'active'], ['implies', 'in', 'idle']]);
  });

  it('and/or are left-associative; parentheses group', () => {
    const m = model(`component C { places a initial a }
program q { add(x: C) }
invariant i: x idle and x idle and (x idle or x idle)`);
    const e = m.invariants[0]!.expr;
    expect(e.kind === 'and' && e.left.kind === 'and' && e.right.kind === 'or').toBe(true);
  });

  it('inside invariants, expression keywords are never names', () => {
    expect(syntax('invariant i: idle idle').code).toBe('CTO001');
  });

  it.each(confFiles.filter((f) => /^(0\d|1[0-4])-/.test(f)))('conformance %s loads without errors', (f) => {
    const r = loadSource(read(f), f);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.status).toBe('ok');
  });
});

describe('grammar: syntax errors in words', () => {
  it('missing closing brace names the block and where it opened', () => {
    const d = syntax('component Web {\n  places a\n  initial a\n');
    expect(d.code).toBe('CTO002');
    expect(d.message).toBe("expected '}' to close component Web (opened at 1:15), but the file ended");
  });

  it('unterminated string is reported at the opening quote', () => {
    const src = 'component W { places a, b initial a behavior x { t: a -> b run "oops } }\n';
    const d = syntax(src);
    expect(d).toMatchObject({ code: 'CTO003', span: { line: 1, col: src.indexOf('"') + 1 } });
  });

  it('unterminated block comment', () => {
    expect(syntax('/* never closed\ncomponent A { }').code).toBe('CTO004');
  });

  it('unexpected token: says what was expected and what was found, with a keyword hint', () => {
    const d = syntax('component A {\n  plaes a\n}');
    expect(d.code).toBe('CTO001');
    expect(d.message).toBe(
      "expected 'places', 'initial', 'behavior', 'use', 'provide' or '}' in component A, but found 'plaes'",
    );
    expect(d.hint).toBe("did you mean 'places'?");
    expect([d.span.line, d.span.col]).toEqual([2, 3]);
  });

  it('bad time unit', () => {
    expect(syntax('component A { places a, b initial a behavior x { t: a -> b duration 3h } }').message).toMatch(
      /^expected a time unit: ms, s or m.* but found 'h'$/,
    );
  });

  it('non-ASCII is named by its code point', () => {
    expect(syntax('component Å { }').message).toContain("the character 'Å' (U+00C5)");
  });

  it('10,000 nested parentheses give a diagnostic, not a stack overflow', () => {
    const src = `invariant i: ${'('.repeat(10_000)}x idle${')'.repeat(10_000)}`;
    expect(syntax(src)).toMatchObject({ code: 'CTO005' });
  });

  it('10,000 chained implies / nots give a diagnostic, not a stack overflow', () => {
    expect(loadSource(`invariant i: ${'x idle implies '.repeat(10_000)}x idle`, 't').status).toBe('error');
    expect(loadSource(`invariant i: ${'not '.repeat(10_000)}x idle`, 't').status).toBe('error');
  });
});

const seedSources = confFiles.map(read);

/** Loading never throws and always ends in a model or at least one error. */
function neverThrows(src: string): void {
  const r = loadSource(src, 'fuzz.cto');
  if (r.status === 'ok') expect(r.model).toBeDefined();
  else expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
}

describe('grammar: fuzzing never crashes', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), neverThrows), { numRuns: 300 });
  });

  it('random strings over the language alphabet', () => {
    const tokens = ['component', 'program', 'invariant', 'places', 'initial', 'behavior', 'use', 'provide', 'on', '{', '}', '(', ')', ':', '->', ',', '.', '..', 'x', 'y', '1s', '"s"', 'add', 'con', 'and', 'not', 'idle', 'in', '//c\n', '/*', '*/', '\n', ' ', 'é', '\\'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 60 }), (ts) => neverThrows(ts.join(' '))), { numRuns: 300 });
  });

  it('token mutations of the conformance files (delete, duplicate, swap, truncate, non-ASCII)', () => {
    if (seedSources.length === 0) return;
    const mutation = fc.record({
      file: fc.nat(seedSources.length - 1),
      kind: fc.constantFrom('delete', 'duplicate', 'swap', 'truncate', 'insert'),
      at: fc.nat(),
      other: fc.nat(),
      text: fc.constantFrom('λ', '😀', '\u00a0', '"', '{', '}', '(', 'component', '..', '\0'),
    });
    fc.assert(
      fc.property(mutation, ({ file, kind, at, other, text }) => {
        const src = seedSources[file]!;
        const toks = src.split(/(\s+)/);
        const i = at % toks.length;
        const j = other % toks.length;
        const t = [...toks];
        if (kind === 'delete') t.splice(i, 1);
        else if (kind === 'duplicate') t.splice(i, 0, toks[i]!);
        else if (kind === 'swap') [t[i], t[j]] = [t[j]!, t[i]!];
        else if (kind === 'insert') t.splice(i, 0, text);
        const out = kind === 'truncate' ? src.slice(0, at % (src.length + 1)) : t.join('');
        neverThrows(out);
      }),
      { numRuns: 400 },
    );
  });

  it('a 1 MB file loads', () => {
    const unit = seedSources[0] ?? 'component A { places a initial a }\n';
    const big = `${unit}\n${'// padding comment line with some text in it ....................\n'.repeat(16_000)}`;
    expect(big.length).toBeGreaterThan(1_000_000);
    expect(loadSource(big, 'big.cto').status).toBe('ok');
  });
});
