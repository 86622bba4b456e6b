/**
 * The fast explorer against the reference explorer on random well-formed models (`arbModel`): with and
 * without partial-order reduction, the same status, violation kinds and per-wait answers; without
 * reduction, the same number of states and the same (shortest) trace lengths; every trace replays
 * through the reference semantics. `CTO_PROPERTY_RUNS` sets the number of models (default 5000, which checks about 16000 models; nightly: 50000).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../../src/explore/search.js';
import { fastExplore } from '../../../src/explore/fast/explore.js';
import type { Model } from '../../../src/model/types.js';
import { arbModel } from '../../arbitraries.js';
import type { Step } from '../../../src/semantics/index.js';
import { answer, keysAfter, referenceTerminals, replayProblem } from './check.js';

const RUNS = Number(process.env.CTO_PROPERTY_RUNS ?? 5000);
const LIMIT = { maxStates: 20_000 };
/** Per-test time limit, growing with the run count (the nightly size takes minutes). */
const TIMEOUT = Math.max(60_000, RUNS * 20);

/** Small models: the CI size. */
const small = arbModel({ maxComponents: 2, maxPlaces: 4, maxBehaviors: 2, maxTransitions: 3, maxPorts: 2, maxPrograms: 2, maxInstrs: 8, attributes: false });

function lastProgram(m: Model): string {
  return m.programs[m.programs.length - 1]!.name;
}

describe('fast explorer vs reference explorer', () => {
  it('gives the same answers, the same unreduced state count, and replayable traces, on random models', () => {
    fc.assert(
      fc.property(small, (model) => {
        for (const p of model.programs) {
          const ref = explore(model, p.name, LIMIT);
          if (ref.status === 'bound') continue; // too big for the yardstick
          const full = fastExplore(model, p.name, { reduce: false });
          const red = fastExplore(model, p.name, { reduce: true });
          expect(answer(full)).toEqual(answer(ref));
          expect(answer(red)).toEqual(answer(ref));
          expect(full.stats.states).toBe(ref.stats.states);
          expect(red.stats.states).toBeLessThanOrEqual(full.stats.states);
          if (ref.status === 'violation' && full.status === 'violation') {
            expect(full.violations.map((v) => v.trace.length)).toEqual(ref.violations.map((v) => v.trace.length));
          }
          expect(replayProblem(model, full)).toBeUndefined();
          expect(replayProblem(model, red)).toBeUndefined();
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('agrees without invariants, where the reduction cuts most (no step is visible)', () => {
    const arb = arbModel({ maxComponents: 2, maxPlaces: 4, maxBehaviors: 2, maxTransitions: 3, maxPorts: 2, maxPrograms: 2, minInstrs: 6, maxInstrs: 14, attributes: false, invariants: false });
    fc.assert(
      fc.property(arb, (model) => {
        const name = lastProgram(model);
        const ref = explore(model, name, LIMIT);
        if (ref.status === 'bound') return;
        const terminals: (() => Step[])[] = [];
        const red = fastExplore(model, name, { onTerminal: (t) => terminals.push(t) });
        expect(answer(red)).toEqual(answer(ref));
        expect(replayProblem(model, red)).toBeUndefined();
        // stronger than the verdict: every state where nothing is enabled is kept by the reduction
        const want = referenceTerminals(model, name);
        if (want) expect(keysAfter(model, name, terminals.map((t) => t()))).toEqual(want);
      }),
      { numRuns: 2 * RUNS },
    );
  }, TIMEOUT);

  it('stops at a depth bound exactly where the reference does (unreduced)', () => {
    fc.assert(
      fc.property(small, fc.integer({ min: 0, max: 12 }), (model, maxDepth) => {
        const name = lastProgram(model);
        const ref = explore(model, name, { ...LIMIT, maxDepth });
        if (ref.status === 'bound' && ref.bound !== 'depth') return;
        const full = fastExplore(model, name, { reduce: false, maxDepth });
        expect(answer(full)).toEqual(answer(ref));
        expect(full.status === 'bound' ? full.bound : undefined).toBe(ref.status === 'bound' ? ref.bound : undefined);
        expect(full.stats.states).toBe(ref.stats.states);
      }),
      { numRuns: Math.max(50, Math.floor(RUNS / 10)) },
    );
  }, TIMEOUT);

  it('agrees on the larger default-size models as well', () => {
    fc.assert(
      fc.property(arbModel(), (model) => {
        const name = lastProgram(model);
        const ref = explore(model, name, LIMIT);
        if (ref.status === 'bound') return;
        const red = fastExplore(model, name);
        expect(answer(red)).toEqual(answer(ref));
        expect(fastExplore(model, name, { reduce: false }).stats.states).toBe(ref.stats.states);
        expect(replayProblem(model, red)).toBeUndefined();
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 8)) },
    );
  }, TIMEOUT);
});
