/**
 * Symmetry reduction (src/explore/fast/symmetry.ts, spec/reduction.md §5) against full exploration, on
 * generated models built around interchangeable instances (`symmetricModels.ts`): the same status,
 * violation kinds, per-wait answers and shortest trace lengths, never more states, and traces that
 * replay through the reference semantics. The reduction must also actually apply (states saved on a
 * share of the models), else these properties would test nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastExplore } from '../../../src/explore/fast/explore.js';
import { symmetryPlan } from '../../../src/explore/fast/symmetry.js';
import { compile } from '../../../src/explore/fast/compile.js';
import { loadSource } from '../../../src/model/load.js';
import type { Model } from '../../../src/model/types.js';
import { answer, replayProblem } from './check.js';
import { arbSymmetricSource } from './symmetricModels.js';

const RUNS = Number(process.env.CTO_PROPERTY_RUNS ?? 5000) / 5;
const TIMEOUT = Math.max(60_000, RUNS * 40);

function load(src: string): Model {
  const r = loadSource(src, 'sym.cto');
  if (r.status !== 'ok') throw new Error(`generated source does not load:\n${src}\n${JSON.stringify(r.diagnostics ?? r, null, 1).slice(0, 2000)}`);
  return r.model;
}

function plan(src: string, program: string) {
  const model = load(src);
  return symmetryPlan(model, compile(model, program));
}

describe('symmetry reduction', () => {
  it('gives the full exploration\'s answers and shortest trace lengths with fewer states, on symmetric models', () => {
    let saved = 0;
    let programs = 0;
    fc.assert(
      fc.property(arbSymmetricSource, (src) => {
        const model = load(src);
        for (const p of model.programs) {
          const full = fastExplore(model, p.name, { reduce: false, maxStates: 50_000 });
          if (full.status === 'bound' || ('bound' in full && full.bound !== undefined)) continue;
          programs++;
          const sym = fastExplore(model, p.name, { reduce: false, symmetry: true });
          const both = fastExplore(model, p.name, { reduce: true, symmetry: true });
          expect(answer(sym)).toEqual(answer(full));
          expect(answer(both)).toEqual(answer(full));
          expect(sym.stats.states).toBeLessThanOrEqual(full.stats.states);
          if (sym.stats.states < full.stats.states) saved++;
          if (full.status === 'violation' && sym.status === 'violation') {
            expect(sym.violations.map((v) => v.trace.length)).toEqual(full.violations.map((v) => v.trace.length));
          }
          expect(replayProblem(model, sym)).toBeUndefined();
          expect(replayProblem(model, both)).toBeUndefined();
        }
      }),
      { numRuns: RUNS },
    );
    // the generator is built so that the reduction applies to many programs
    console.log(`symmetry saved states on ${saved} of ${programs} programs`);
    expect(saved).toBeGreaterThan(programs / 10);
  }, TIMEOUT);

  it('finds the workers interchangeable only where nothing tells them apart', () => {
    const comps = `component Hub {
  places off, on
  initial off
  behavior b0 { t0: off -> on }
  provide q0 on on
}
component Worker {
  places off, on
  initial off
  behavior b0 { t1: off -> on }
  use u0 on on
}
`;
    const base = ['add(h: Hub)', 'add(w1: Worker)', 'add(w2: Worker)', 'add(w3: Worker)', 'con(w1.u0, h.q0)', 'con(w2.u0, h.q0)', 'con(w3.u0, h.q0)', 'pushB(h, b0)', 'pushB(w1, b0)', 'pushB(w2, b0)', 'pushB(w3, b0)'];
    const prog = (xs: string[]) => `${comps}program p {\n${xs.map((x) => `  ${x}\n`).join('')}}\n`;
    const classesAtEnd = (src: string) => {
      const pl = plan(src, 'p');
      return pl.classesAt[pl.classesAt.length - 1]!.map((c) => [...c]);
    };
    // the instance order is the order of the adds: h = 0, w1 = 1, w2 = 2, w3 = 3
    expect(classesAtEnd(prog([...base, 'waitAll()']))).toEqual([[1, 2, 3]]);
    // at the waitAll, all three; before the pushes, none (each is named later)
    const pl = plan(prog([...base, 'waitAll()']), 'p');
    expect(pl.classesAt[base.length]!.map((c) => [...c])).toEqual([[1, 2, 3]]);
    // at pushB(w1) (position 8) every worker is named from there on; at pushB(w3) (10), w1 and w2 are not
    expect(pl.classesAt[8]!.map((c) => [...c])).toEqual([]);
    expect(pl.classesAt[10]!.map((c) => [...c])).toEqual([[1, 2]]);
    // a wait naming w2 later pins it
    expect(plan(prog([...base, 'wait(w2)']), 'p').classesAt[base.length]!.map((c) => [...c])).toEqual([[1, 3]]);
    // an extra push on w1 gives it another push list
    expect(classesAtEnd(prog([...base, 'pushB(w1, b0)', 'waitAll()']))).toEqual([[2, 3]]);
    // w3 not connected: a different connection set
    const unwired = base.filter((x) => x !== 'con(w3.u0, h.q0)');
    expect(classesAtEnd(prog([...unwired, 'waitAll()']))).toEqual([[1, 2]]);
    // an invariant naming w1 pins it
    expect(classesAtEnd(prog([...base, 'waitAll()']) + 'invariant i: w1 idle or not w1 in on\n')).toEqual([[2, 3]]);
  });

  it('tells connections among the workers apart: a pair both ways, a ring, self-service', () => {
    const src = (cons: string[]) => `component Peer {
  places off, on
  initial off
  behavior b0 { t1: off -> on }
  use u0 on on
  provide q0 on on
}
program p {
${['add(w1: Peer)', 'add(w2: Peer)', 'add(w3: Peer)', ...cons, 'pushB(w1, b0)', 'pushB(w2, b0)', 'pushB(w3, b0)', 'waitAll()'].map((x) => `  ${x}\n`).join('')}}
`;
    const atEnd = (cons: string[]) => {
      const pl = plan(src(cons), 'p');
      return pl.classesAt[pl.classesAt.length - 1]!.map((c) => [...c]);
    };
    // w1 = 0, w2 = 1, w3 = 2
    expect(atEnd(['con(w1.u0, w2.q0)', 'con(w2.u0, w1.q0)'])).toEqual([[0, 1]]);
    expect(atEnd(['con(w1.u0, w2.q0)', 'con(w2.u0, w3.q0)', 'con(w3.u0, w1.q0)'])).toEqual([]);
    expect(atEnd(['con(w1.u0, w1.q0)', 'con(w2.u0, w2.q0)', 'con(w3.u0, w3.q0)'])).toEqual([[0, 1, 2]]);
    expect(atEnd(['con(w1.u0, w1.q0)', 'con(w2.u0, w2.q0)'])).toEqual([[0, 1]]);
    // w1 and w2 both served by w3: interchangeable with each other, not with w3
    expect(atEnd(['con(w1.u0, w3.q0)', 'con(w2.u0, w3.q0)'])).toEqual([[0, 1]]);
    // w3 uses w1 (not w2): w1 serves someone, w2 does not, so neither pair is interchangeable
    expect(atEnd(['con(w3.u0, w1.q0)'])).toEqual([]);
    // w3 uses w1 and w2 uses w3: no swap maps this onto itself either
    expect(atEnd(['con(w3.u0, w1.q0)', 'con(w2.u0, w3.q0)'])).toEqual([]);
  });
});
