/**
 * Interval durations (cto-language.md §5): makespan at all lower bounds, all upper bounds, and the exact
 * worst and best case over all choices (Z3), with a timing anomaly where the worst is not at all-upper.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { assigned, firingName } from '../../src/predict/durations.js';
import { predict, predictFixed, type Prediction } from '../../src/predict/predict.js';
import { shutdownZ3 } from '../../src/smt/z3.js';
import { fixture, modelOf } from './helpers.js';

afterAll(async () => {
  await shutdownZ3();
});

function ok(p: Prediction): Extract<Prediction, { status: 'ok' }> {
  if (p.status !== 'ok') throw new Error(`expected a prediction, got ${p.status}`);
  return p;
}

describe('worst case over intervals', () => {
  it('finds the anomaly: u.t1 = 3 s gives 35 s while all-upper gives 25 s and all-lower 33 s', async () => {
    const p = ok(await predict(fixture('anomaly.cto'), 'main'));
    expect(p.lo.outcomes).toEqual([{ status: 'completed', at: 33_000 }]);
    expect(p.hi!.outcomes).toEqual([{ status: 'completed', at: 25_000 }]);
    const s = p.interval!.search;
    expect(s.status).toBe('complete');
    expect(s.worst!.makespan).toBe(35_000);
    expect(s.worst!.assignment.get('u.t1')).toBe(3_000);
    expect(s.best!.makespan).toBe(25_000);
    expect(p.interval!.anomaly).toBe(true);
    // Replaying the worst assignment: at the tie both orders are possible, 25 s and 35 s.
    expect(p.interval!.worstRun!.outcomes).toEqual([
      { status: 'completed', at: 25_000 },
      { status: 'completed', at: 35_000 },
    ]);
    expect(p.interval!.worstRun!.run.outcome).toEqual({ status: 'completed', at: 35_000 });
  });

  it('no anomaly when the worst case is all-upper (the seed with an interval)', async () => {
    const src = (await import('node:fs')).readFileSync(new URL('./fixtures/seed.cto', import.meta.url), 'utf8').replace('duration 8s', 'duration 6s..8s').replace('backup: running -> backedup           duration 6s', 'backup: running -> backedup duration 4s..6s');
    const m = modelOf(src);
    const deploy = ok(await predict(m, 'deploy'));
    expect(deploy.lo.makespan).toBe(11_000);
    expect(deploy.hi!.makespan).toBe(13_000);
    expect(deploy.interval!.search.worst!.makespan).toBe(13_000);
    expect(deploy.interval!.search.best!.makespan).toBe(11_000);
    expect(deploy.interval!.anomaly).toBe(false);
    const maintain = ok(await predict(m, 'maintain'));
    expect(maintain.interval!.search.worst!.makespan).toBe(15_000);
    expect(maintain.interval!.search.best!.makespan).toBe(13_000);
  });

  it('the worst and best bound every sampled choice of durations, and their assignments reproduce them', async () => {
    const model = fixture('anomaly.cto');
    const p = ok(await predict(model, 'main'));
    const { worst, best } = p.interval!.search;
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 5_000 }), (d) => {
        const r = predictFixed(model, 'main', assigned(new Map([[firingName('u', 't1', 1), d]]), { lo: 0, hi: 0 }));
        if (r.status !== 'ok') throw new Error('unexpected prefix deadlock');
        for (const o of r.timing.outcomes) {
          expect(o.status).toBe('completed');
          expect(o.at).toBeLessThanOrEqual(worst!.makespan);
          expect(o.at).toBeGreaterThanOrEqual(best!.makespan);
        }
      }),
      { numRuns: 40 },
    );
    for (const e of [worst!, best!]) {
      const r = predictFixed(model, 'main', assigned(e.assignment, { lo: 0, hi: 0 }));
      expect(r.status === 'ok' && r.timing.outcomes.map((o) => o.at)).toContain(e.makespan);
    }
  });

  it('an interval that can deadlock some order is reported with its durations', async () => {
    const src = (await import('node:fs')).readFileSync(new URL('./fixtures/orderDeadlock.cto', import.meta.url), 'utf8').replace('t1: i -> x duration 1s', 't1: i -> x duration 2s..4s');
    const p = ok(await predict(modelOf(src), 'main'));
    // u.t1 ends at 3..5 s; p leaves b at 2 s, back in d at 4 s: no tie, always completes (u enters at max(4, t1 end)).
    expect(p.interval!.search.deadlock).toBeUndefined();
    expect(p.interval!.search.worst!.makespan).toBe(5_000);
    expect(p.interval!.search.best!.makespan).toBe(4_000);
    const src2 = src.replace('duration 2s..4s', 'duration 0ms..2s');
    const q = ok(await predict(modelOf(src2), 'main'));
    // u.t1 ends at 1..3 s: up to 2 s u enters x before p leaves b, and p is stuck (at 2 s at the latest).
    expect(q.interval!.search.deadlock).toBeDefined();
    expect(q.interval!.search.deadlock!.assignment.get('u.t1')).toBeLessThanOrEqual(1_000);
  });
});
