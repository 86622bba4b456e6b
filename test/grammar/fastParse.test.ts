import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastParse } from '../../src/grammar/fastParse.js';
import { parse, SpanMaker } from '../../src/grammar/parse.js';
import { format } from '../../src/model/format.js';
import { arbModel } from '../arbitraries.js';
import { pathToFileURL } from 'node:url';
import { CONFORMANCE_DIR } from '../shared.js';

const CONF = pathToFileURL(`${CONFORMANCE_DIR}/`);
const seeds = (() => {
  try {
    return readdirSync(CONF).filter((f) => f.endsWith('.cto')).map((f) => readFileSync(new URL(f, CONF), 'utf8'));
  } catch {
    return [];
  }
})();

const EXTRA = [
  `component C { places initial, wait initial initial
     behavior run { duration: initial -> wait run "x\\"y\\\\z\\$" timeout: wait -> places duration 1.5 s..2m timeout 3ms }
     places places provide on on wait = "v" use u on places }
   program p after q { add(con: C) pushB(con, run) con(con.u, con.on) dcon(con.u, con.on) wait(con) waitAll() del(con) }
   invariant i: (not con idle and (con in wait)) or con.on active implies con idle implies not (con idle or con idle)
   /* c */ // d
  `,
];

/** The fast reader either declines or agrees exactly with the Ohm grammar. */
function agrees(src: string): boolean {
  const fast = fastParse(src, new SpanMaker('f.cto', src));
  if (fast === undefined) return false;
  const ohm = parse(src, 'f.cto', { fast: false });
  const viaFast = parse(src, 'f.cto');
  expect(viaFast).toEqual(ohm);
  return true;
}

describe('fastParse agrees with the Ohm grammar', () => {
  it('on the conformance files and a keyword-heavy file (and accepts them)', () => {
    for (const s of [...seeds.filter((s) => parse(s, 'f.cto', { fast: false }).status === 'ok'), ...EXTRA]) expect(agrees(s)).toBe(true);
  });

  it('on printed generated models (and accepts them)', () => {
    fc.assert(
      fc.property(arbModel(), (m) => {
        expect(agrees(format(m))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('on token mutations: whenever it accepts, Ohm accepts the same tree', () => {
    const sources = [...seeds, ...EXTRA];
    const toks = ['(', ')', '{', '}', 'and', 'or', 'implies', 'not', 'idle', 'in', '.', ',', ':', '..', '1s', 'run', '"q"', 'after', 'x', 'component'];
    fc.assert(
      fc.property(fc.nat(sources.length - 1), fc.nat(), fc.nat(), fc.constantFrom(...toks), fc.constantFrom('delete', 'insert', 'swap'), (f, a, b, tok, kind) => {
        const parts = sources[f]!.split(/(\s+)/);
        const i = a % parts.length;
        const j = b % parts.length;
        if (kind === 'delete') parts.splice(i, 1);
        else if (kind === 'insert') parts.splice(i, 0, ` ${tok} `);
        else [parts[i], parts[j]] = [parts[j]!, parts[i]!];
        agrees(parts.join(''));
      }),
      { numRuns: 300 },
    );
  });
});
