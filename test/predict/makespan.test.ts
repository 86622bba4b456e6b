/**
 * Hand-computed makespans (cto-language.md §5): the seed's deploy (13 s) and maintain (15 s), their
 * sequential times (27 s, 18 s), critical paths, behavior spans, and small crafted nets.
 */
import { describe, expect, it } from 'vitest';
import { predict, type FixedTiming, type Prediction } from '../../src/predict/predict.js';
import { fixture, modelOf } from './helpers.js';

function fixed(p: Prediction): FixedTiming {
  if (p.status !== 'ok') throw new Error(`expected a prediction, got ${p.status}`);
  expect(p.interval).toBeUndefined();
  return p.lo;
}

const actionsOnPath = (t: FixedTiming): string[] =>
  t.analysis.criticalPath.flatMap((l) => (l.kind === 'action' ? [`${l.instance}.${l.transition}@${l.start}-${l.end}`] : []));

describe('the seed example (contract §1, §5)', () => {
  const seed = fixture('seed.cto');

  it('deploy takes 13 s, 27 s one action at a time', async () => {
    const t = fixed(await predict(seed, 'deploy'));
    expect(t.outcomes).toEqual([{ status: 'completed', at: 13_000 }]);
    expect(t.makespan).toBe(13_000);
    expect(t.analysis.sequential).toBe(27_000);
    expect(t.speedup).toBeCloseTo(27 / 13, 10);
    // install1 (8) → configure (3) → start (2); db's 9 s deploy is off the path.
    expect(actionsOnPath(t)).toEqual(['server.install1@0-8000', 'server.configure@8000-11000', 'server.start@11000-13000']);
    expect(t.analysis.behaviors).toEqual([
      { instance: 'server', behavior: 'install', start: 0, firstAction: 0, end: 13_000 },
      { instance: 'db', behavior: 'deploy', start: 0, firstAction: 0, end: 9_000 },
    ]);
    expect(t.analysis.bars.filter((b) => b.critical).map((b) => b.transition)).toEqual(['install1', 'configure', 'start']);
  });

  it('maintain takes 15 s counted from its own first instruction, 18 s sequentially', async () => {
    const t = fixed(await predict(seed, 'maintain'));
    expect(t.outcomes).toEqual([{ status: 'completed', at: 15_000 }]);
    expect(t.analysis.sequential).toBe(18_000);
    // db may leave running only once server has left paused (1 s), then backup, update, start.
    expect(actionsOnPath(t)).toEqual(['server.suspend1@0-1000', 'db.backup@1000-7000', 'db.update@7000-12000', 'db.start@12000-15000']);
    const last = t.analysis.criticalPath.at(-1)!;
    expect(last).toMatchObject({ kind: 'step', time: 15_000, step: { kind: 'instr', stage: 1, pc: 4 } });
    expect(t.analysis.behaviors).toContainEqual({ instance: 'db', behavior: 'maintain', start: 0, firstAction: 1_000, end: 12_000 });
    expect(t.analysis.behaviors).toContainEqual({ instance: 'server', behavior: 'install', start: 2_000, firstAction: 2_000, end: 15_000 });
  });
});

const oneComponent = (body: string, program: string): string => `
component C {
  places a, b, c, d
  initial a
  ${body}
}
program main { ${program} }
`;

describe('crafted nets', () => {
  it('a fork and its join: the longer branch decides (5 s), sequential 8 s', async () => {
    const m = modelOf(oneComponent('behavior go { t1: a -> b duration 3s  t2: a -> c duration 5s  t3: b -> d duration 1s  t4: c -> d duration 0ms }', 'add(x: C) pushB(x, go) wait(x)'));
    const t = fixed(await predict(m, 'main'));
    expect(t.outcomes).toEqual([{ status: 'completed', at: 5_000 }]);
    expect(t.analysis.sequential).toBe(9_000);
    expect(actionsOnPath(t)).toEqual(['x.t2@0-5000', 'x.t4@5000-5000']);
  });

  it('queued behaviors run one after the other; instructions take no time', async () => {
    const m = modelOf(oneComponent('behavior one { t1: a -> b duration 1.5s } behavior two { t2: b -> c duration 250ms }', 'add(x: C) add(y: C) pushB(x, one) pushB(x, two) pushB(y, one) waitAll()'));
    const t = fixed(await predict(m, 'main'));
    expect(t.makespan).toBe(1_750);
    expect(t.analysis.sequential).toBe(3_250);
  });

  it('a missing duration counts as 0 (§5), or as --default-duration', async () => {
    const m = modelOf(oneComponent('behavior go { t1: a -> b  t2: b -> c duration 2s }', 'add(x: C) pushB(x, go) wait(x)'));
    const p = await predict(m, 'main');
    expect(fixed(p).makespan).toBe(2_000);
    expect(p.status === 'ok' && p.undurated).toEqual(['C.t1']);
    const q = await predict(m, 'main', { defaultDuration: { lo: 1_000, hi: 1_000 } });
    expect(fixed(q).makespan).toBe(3_000);
  });

  it('a wait on a provider: the user waits for the provide port, and the path crosses instances', async () => {
    const m = modelOf(`
      component P { places a, b initial a behavior up { go: a -> b duration 4s } provide s on b }
      component U { places a, b, c initial a behavior up { t1: a -> b duration 1s  t2: b -> c duration 1s } use s on b, c }
      program main { add(p: P) add(u: U) con(u.s, p.s) pushB(u, up) pushB(p, up) wait(u) }`);
    const t = fixed(await predict(m, 'main'));
    // u's dock fills at 1 s but it can enter b only when p.s is active (4 s); then t2 (1 s).
    expect(t.makespan).toBe(5_000);
    expect(actionsOnPath(t)).toEqual(['p.go@0-4000', 'u.t2@4000-5000']);
  });

  it('every order at an instant: one completes at 4 s, another deadlocks at 2 s', async () => {
    const t = fixed(await predict(fixture('orderDeadlock.cto'), 'main'));
    expect(t.outcomes).toEqual([
      { status: 'completed', at: 4_000 },
      { status: 'deadlock', at: 2_000 },
    ]);
    expect(t.run.outcome).toEqual({ status: 'completed', at: 4_000 });
  });

  it('an empty program takes no time', async () => {
    const m = modelOf(oneComponent('behavior go { t1: a -> b duration 1s }', ''));
    expect(fixed(await predict(m, 'main')).outcomes).toEqual([{ status: 'completed', at: 0 }]);
  });
});
