/**
 * The reference explorer on hand-written programs: one per violation kind of §4, races, bounds, and
 * the contract's seed example. Trace lengths are counted by hand in the comments.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseDeadlock, diagnosisLines } from '../../src/explore/diagnose.js';
import { verifyFile } from '../../src/explore/engines.js';
import { replay, violationReport } from '../../src/explore/report.js';
import { explore } from '../../src/explore/search.js';
import type { Verdict, Violation } from '../../src/explore/verdict.js';
import type { Model } from '../../src/model/types.js';
import { contextFor, isDeadlock } from '../../src/semantics/index.js';
import { mariadbSource } from '../../examples/gen/mariadb.js';
import { bruteForce, loadText, loadUnchecked } from './helpers.js';
import { RACE, SEED_DEPLOY, SEED_LECTURE } from './models.js';
import { CONFORMANCE_DIR } from '../shared.js';

const conformance = (name: string): string => readFileSync(`${CONFORMANCE_DIR}/${name}.cto`, 'utf8');

function violations(v: Verdict): readonly Violation[] {
  if (v.status !== 'violation') throw new Error(`expected a violation, got ${v.status}`);
  return v.violations;
}

/** The primary violation's diagnosis lines (it must be a deadlock). */
function diagnosis(model: Model, program: string, v: Violation): string[] {
  const r = violationReport(contextFor(model, program), v);
  expect(r.diagnosis).toBeDefined();
  return diagnosisLines(r.diagnosis!);
}

describe('the seed example', () => {
  it('verifies deploy', () => {
    const v = explore(loadText(SEED_DEPLOY), 'deploy');
    expect(v.status).toBe('verified');
    if (v.status !== 'verified') return;
    expect(v.waits.map((w) => [w.text, w.returns])).toEqual([
      ['wait(server)', true],
      ['end of program', true],
    ]);
    expect(v.stats.states).toBeGreaterThan(100);
  });

  it("finds the lecture maintain's deadlock with the shortest trace and diagnosis", () => {
    const model = loadText(SEED_LECTURE);
    const v = explore(model, 'maintain');
    const [primary, ...rest] = violations(v);
    expect(rest).toEqual([]);
    expect(primary!.kind).toBe('deadlock');
    // deploy: 7 instructions + db 3 transitions × (leave, end, enter) + finish (10) + server
    // (leave uninstalled, end install1, end install2, enter installed, leave, end configure, enter
    // configured, leave, end start, enter running, finish = 11) = 28; maintain: 4 pushB + server's
    // suspend (7) and install from configured (4) while db still sits in running + wait(server) = 16.
    expect(primary!.trace.length).toBe(44);
    const lines = diagnosis(model, 'maintain', primary!);
    expect(lines).toContain(
      'db cannot leave `running`: provide port `service` is used by server.database, which is active (server is idle, in `running`)',
    );
    // the implicit waitAll() is located at the program's closing brace
    const endLine = SEED_LECTURE.slice(0, SEED_LECTURE.indexOf('\n}', SEED_LECTURE.indexOf('program maintain')) + 1).split('\n').length;
    expect(lines[0]).toMatch(new RegExp(`^the end of program maintain at line ${endLine} \\(an implicit waitAll\\(\\)\\) never returns: db is not idle`));
    if (v.status !== 'violation') return;
    expect(v.waits.map((w) => [w.program, w.text, w.returns])).toEqual([
      ['deploy', 'wait(server)', true],
      ['deploy', 'end of program', true],
      ['maintain', 'wait(server)', true],
      ['maintain', 'end of program', false],
    ]);
  });

  it('verifies the corrected maintain (conformance 05)', async () => {
    const fv = await verifyFile(loadText(conformance('05-ok_seed_maintain_dcon')));
    expect(fv.status).toBe('verified');
    expect(fv.verdicts.map((v) => [v.program, v.status])).toEqual([
      ['deploy', 'verified'],
      ['maintain', 'verified'],
    ]);
  });
});

describe('deadlocks', () => {
  it('use port never connected (conformance 10)', () => {
    const model = loadText(conformance('10-dl_use_never_connected'));
    const [d] = violations(explore(model, 'deploy'));
    // 4 instructions; db: leave, end, enter, finish (4); api: leave off, end configure, enter
    // configured, leave configured, end start (5); enter running is blocked.
    expect(d!.kind).toBe('deadlock');
    expect(d!.trace.length).toBe(13);
    const lines = diagnosis(model, 'deploy', d!);
    expect(lines).toContain('api cannot enter `running`: use port `db` is not connected');
    expect(lines[0]).toMatch(/^wait\(api\) at line 26 of program deploy never returns: api is not idle/);
  });

  it('a join waiting for a transition of another behavior (conformance 11)', () => {
    const model = loadText(conformance('11-dl_join_other_behavior'));
    const [d] = violations(explore(model, 'deploy'));
    // add + 3 pushB (4); fetch: leave, end, enter, finish (4); deploy: leave code, end link_code (2).
    expect(d!.trace.length).toBe(10);
    expect(diagnosis(model, 'deploy', d!)).toContain(
      'app cannot enter `ready`: the join waits for the dock of link_conf, which is never filled (behavior deploy)',
    );
  });

  it('a dcon whose use port stays active (conformance 12)', () => {
    const model = loadText(conformance('12-dl_dcon_never_returns'));
    const v = explore(model, 'switch');
    const [d] = violations(v);
    // deploy: 6 instructions + db (4) + api (4) = 14; switch: pushB, then api's migrate (leave, end,
    // enter, finish) = 5 before nothing else can move (dcon waits).
    expect(d!.kind).toBe('deadlock');
    expect(d!.trace.length).toBe(19);
    const lines = diagnosis(model, 'switch', d!);
    expect(lines[0]).toMatch(/^dcon\(api\.db, db\.sql\) at line 28 of program switch never returns: use port api\.db stays active \(api is idle, in `v2`/);
    expect(lines).toHaveLength(1); // nobody is busy: every instance is idle
    if (v.status === 'violation') expect(v.waits.find((w) => w.text.startsWith('dcon'))?.returns).toBe(false);
    expect(explore(model, 'deploy').status).toBe('verified');
  });

  it('a del waiting for an instance that never becomes idle', () => {
    const model = loadText(`
component A {
  places off, on
  initial off
  behavior go { g: off -> on }
  use s on on
}
program p {
  add(a: A)
  pushB(a, go)
  del(a)
  waitAll()
}`);
    const v = explore(model, 'p');
    const [d] = violations(v);
    expect(d!.trace.length).toBe(4); // add, pushB, a.leave(off), a.end(g)
    const lines = diagnosis(model, 'p', d!);
    expect(lines[0]).toMatch(/^del\(a\) at line 11 of program p never returns: a is not idle \(behavior `go` is pending/);
    expect(lines).toContain('a cannot enter `on`: use port `s` is not connected');
    if (v.status !== 'violation') return;
    expect(v.waits.map((w) => [w.text, w.returns, w.reached])).toEqual([
      ['del(a)', false, true],
      ['waitAll()', true, false],
      ['end of program', true, false],
    ]);
  });

  it('catches a race (deadlock only in some interleavings) with the shortest trace', () => {
    const model = loadText(RACE);
    const v = explore(model, 'race');
    const [d] = violations(v);
    // 8 instructions before waitAll; p: up (leave, end, enter, finish) and down (leave, end, enter,
    // finish) before u enters on; u: leave off, end uu (its enter is then blocked) = 8 + 8 + 2.
    expect(d!.trace.length).toBe(18);
    expect(diagnosis(model, 'race', d!)).toContain(
      'u cannot enter `on`: use port `s` is connected to p.s, which is inactive (p is idle, in `off`)',
    );
    // Some executions complete: the deadlock is a race, not a certainty.
    const brute = bruteForce(contextFor(model, 'race'));
    expect(brute.complete).toBe(true);
    expect(brute.shortest.get('deadlock')).toBe(18);
    expect(brute.executions).toBeGreaterThan(1);
  });

  it('a deadlock in an earlier program of the after chain is reported for the later one, with the wait that blocks', () => {
    const model = loadText(`${conformance('10-dl_use_never_connected')}
program later after deploy { waitAll() }`);
    const v = explore(model, 'later');
    const [d] = violations(v);
    expect(d!.trace.length).toBe(13);
    if (v.status !== 'violation') return;
    expect(v.waits.map((w) => [w.program, w.text, w.returns, w.reached])).toEqual([
      ['deploy', 'wait(api)', false, true],
      ['deploy', 'end of program', true, false],
      ['later', 'waitAll()', true, false],
      ['later', 'end of program', true, false],
    ]);
  });
});

describe('invariants and port safety', () => {
  it('an invariant false after a wait (conformance 14)', () => {
    const model = loadText(conformance('14-inv_parked_idle'));
    const [i] = violations(explore(model, 'deploy'));
    // add, pushB, web.leave(off), web.end(render), web.enter(configured), web.finish(configure)
    expect(i).toMatchObject({ kind: 'invariant', invariant: 'never_parked' });
    expect(i!.trace.length).toBe(6);
    const r = violationReport(contextFor(model, 'deploy'), i!);
    expect(r.failing).toEqual([
      'invariant never_parked (line 17) is false: web in configured implies not web idle',
      '  web in configured: true',
      '  web idle: true',
    ]);
  });

  it('an invariant false in the empty start state has a trace of length 0', () => {
    const model = loadText(`
component A { places off, on initial off behavior go { g: off -> on } }
program p { add(a: A) }
invariant live: a idle`);
    const vs = violations(explore(model, 'p'));
    expect(vs.map((v) => [v.kind, v.trace.length])).toEqual([['invariant', 0]]);
  });

  it('reports a PS breach in a model that skips the static rules (initial place on a use port)', () => {
    const model = loadUnchecked(`
component A {
  places off, on
  initial off
  behavior go { g: off -> on }
  use s on off
}
program p { add(a: A) pushB(a, go) }`);
    const vs = violations(explore(model, 'p'));
    expect(vs[0]).toMatchObject({ kind: 'ps' });
    expect(vs[0]!.trace.length).toBe(1);
    expect(violationReport(contextFor(model, 'p'), vs[0]!).failing).toEqual(['port safety: use port a.s is active but not connected']);
  });

  it('orders violations shortest first, ties invariant before ps before deadlock', () => {
    const model = loadUnchecked(`
component A {
  places off, on
  initial off
  behavior go { g: off -> on }
  use s on off
}
program p { add(a: A) wait(a) pushB(a, go) del(a) }
invariant never: not a in off`);
    const vs = violations(explore(model, 'p'));
    expect(vs.map((v) => [v.kind, v.trace.length])).toEqual([
      ['invariant', 1],
      ['ps', 1],
    ]);
  });
});

describe('bounds', () => {
  const model = loadText(SEED_LECTURE);

  it('stops at --max-states with status bound, never verified', () => {
    const v = explore(model, 'deploy', { maxStates: 10 });
    expect(v).toMatchObject({ status: 'bound', bound: 'states' });
    expect(v.stats.states).toBe(10);
  });

  it('stops at --max-depth with status bound, but verifies when the bound cuts nothing', () => {
    expect(explore(model, 'deploy', { maxDepth: 5 })).toMatchObject({ status: 'bound', bound: 'depth' });
    const full = explore(model, 'deploy');
    expect(explore(model, 'deploy', { maxDepth: full.stats.depth }).status).toBe('verified');
  });

  it('still reports a violation found before a bound', () => {
    const v = explore(model, 'maintain', { maxDepth: 44 });
    expect(v.status).toBe('violation');
    expect(explore(model, 'maintain', { maxDepth: 43 }).status).toBe('bound');
  });

  it('stops at the time and memory limits (checked every 1024 states)', () => {
    const big = loadText(mariadbSource(3, 2));
    expect(explore(big, 'galera', { timeLimitMs: 0 })).toMatchObject({ status: 'bound', bound: 'time' });
    expect(explore(big, 'galera', { maxMemoryMb: 1 })).toMatchObject({ status: 'bound', bound: 'memory' });
    const progress: number[] = [];
    explore(big, 'deploy', { onProgress: (p) => progress.push(p.states) });
    expect(explore(big, 'galera', { onProgress: (p) => progress.push(p.states) }).stats.states).toBeGreaterThan(1024);
    expect(progress.length).toBeGreaterThan(0);
  });
});

describe('verifyFile', () => {
  it('checks every program; the file is a violation as soon as one program has one', async () => {
    const fv = await verifyFile(loadText(SEED_LECTURE));
    expect(fv.status).toBe('violation');
    expect(fv.verdicts.map((v) => [v.program, v.status])).toEqual([
      ['deploy', 'verified'],
      ['maintain', 'violation'],
    ]);
  });

  it('a bound without a violation makes the file bound', async () => {
    const fv = await verifyFile(loadText(SEED_DEPLOY), { maxStates: 5 });
    expect(fv.status).toBe('bound');
  });

  it('rejects unknown programs and engines', async () => {
    await expect(verifyFile(loadText(SEED_DEPLOY), { program: 'nope' })).rejects.toThrow(/unknown program/);
    await expect(verifyFile(loadText(SEED_DEPLOY), { engine: 'nope' })).rejects.toThrow(/unknown engine/);
  });
});

describe('diagnoseDeadlock', () => {
  it('names only the busy instances of the failing state', () => {
    const model = loadText(SEED_LECTURE);
    const ctx = contextFor(model, 'maintain');
    const [d] = violations(explore(model, 'maintain'));
    const r = violationReport(ctx, d!);
    expect(r.state.instances.map((i) => [i.name, i.marked, i.queue])).toEqual([
      ['db', ['running'], ['maintain', 'deploy']],
      ['server', ['running'], []],
    ]);
    const states = replay(ctx, d!.trace);
    expect(states.ok).toBe(true);
    const last = states.states[states.states.length - 1]!;
    expect(isDeadlock(ctx, last)).toBe(true);
    expect(diagnoseDeadlock(ctx, last).instances.map((i) => [i.instance, i.behavior])).toEqual([['db', 'maintain']]);
  });
});
