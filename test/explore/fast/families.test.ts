/**
 * The fast explorer on the benchmark families (bench/families.ts): same answers as the reference where
 * the reference can finish, the expected verdicts at larger N with replayable traces, and the bounds
 * (states, memory, time) reported as status `bound`, never as verified.
 */
import { describe, expect, it } from 'vitest';
import { engines } from '../../../src/explore/engines.js';
import { fastExplore } from '../../../src/explore/fast/explore.js';
import { explore } from '../../../src/explore/search.js';
import { chain, fanout, fanoutDeploy } from '../../../bench/families.js';
import { loadText } from '../helpers.js';
import { answer, replayProblem } from './check.js';

describe('fast explorer on the benchmark families', () => {
  it.each([1, 2])('matches the reference on fanout(%i) both orders, and chain', (n) => {
    for (const src of [fanout(n, 'corrected'), fanout(n, 'lecture'), chain(n + 2)]) {
      const m = loadText(src);
      for (const p of m.programs) {
        const ref = explore(m, p.name);
        const full = fastExplore(m, p.name, { reduce: false });
        const red = fastExplore(m, p.name);
        expect(answer(full)).toEqual(answer(ref));
        expect(answer(red)).toEqual(answer(ref));
        expect(full.stats.states).toBe(ref.stats.states);
        expect(replayProblem(m, red)).toBeUndefined();
      }
    }
  });

  it('symmetry: the deploy ending in waitAll() with 3 servers needs a fraction of the states, same answer', () => {
    const m = loadText(fanoutDeploy(3));
    const full = fastExplore(m, 'deploy', { reduce: false });
    const sym = fastExplore(m, 'deploy', { reduce: false, symmetry: true });
    expect(sym.status).toBe('verified');
    expect(answer(sym)).toEqual(answer(full));
    // 3 interchangeable servers: at most 3! = 6 times fewer states, and in fact more than 3 times fewer
    expect(sym.stats.states * 3).toBeLessThan(full.stats.states);
    expect(sym.stats.states * 6).toBeGreaterThanOrEqual(full.stats.states);
  });

  it('the default engine decides the 5-server deploy with waitAll() by symmetry, below its 300,000-state switch', async () => {
    const m = loadText(fanoutDeploy(5));
    const v = await engines.auto!(m, 'deploy', {});
    expect(v.status).toBe('verified');
    expect(v.engine).toBe('symmetric');
    expect(v.stats.states).toBeLessThan(300_000);
  });

  it('verifies the corrected fanout and finds the lecture deadlock at N = 30, with a replayable trace', () => {
    const ok = loadText(fanout(30, 'corrected'));
    const v = fastExplore(ok, 'maintain', { timeLimitMs: 20_000 });
    expect(v.status).toBe('verified');
    const bad = loadText(fanout(30, 'lecture'));
    const w = fastExplore(bad, 'maintain', { timeLimitMs: 20_000 });
    expect(w.status).toBe('violation');
    if (w.status !== 'violation') return;
    expect(w.violations.map((x) => x.kind)).toEqual(['deadlock']);
    expect(replayProblem(bad, w)).toBeUndefined();
    expect(w.waits.some((x) => !x.returns)).toBe(true);
  });

  it('reports a reached bound as status bound: states, memory, time', () => {
    const m = loadText(fanout(3, 'corrected'));
    const s = fastExplore(m, 'maintain', { reduce: false, maxStates: 1000 });
    expect(s).toMatchObject({ status: 'bound', bound: 'states' });
    expect(s.stats.states).toBeLessThanOrEqual(1000);
    const mem = fastExplore(m, 'maintain', { reduce: false, maxMemoryMb: 1 });
    expect(mem).toMatchObject({ status: 'bound', bound: 'memory' });
    const big = loadText(fanout(6, 'corrected'));
    const t = fastExplore(big, 'maintain', { reduce: false, timeLimitMs: 200 });
    expect(t).toMatchObject({ status: 'bound', bound: 'time' });
  });

  it('is registered as engine fast', async () => {
    const m = loadText(fanout(2, 'lecture'));
    const v = await engines.fast!(m, 'maintain', {});
    expect(v.engine).toBe('fast');
    expect(v.status).toBe('violation');
  });
});
