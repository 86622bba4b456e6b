/**
 * Models on which a soundness rule of the partial-order reduction is needed (spec/reduction.md §3–4),
 * checked against full exploration. The random-model properties did not notice the removal of these
 * rules; each model here does (checked by hand, rule by rule):
 * - D2 (a guard-blocked step brings in the instance that blocks it): without it the reduced search misses
 *   the invariant violation and wrongly says the end of the program returns;
 * - visibility of a persistent set (one with a step that changes an invariant atom is expanded in full),
 *   and of an enabled instruction (a visible `add` is not taken alone): without them a violation that
 *   exists only in some orders is missed;
 * - the seed of the stubborn set (a disabled `wait(x)`, `del(x)` or `dcon(x.u, …)` puts `x` in it): without
 *   it the reduced search never lets `x` finish first, and misses the deadlock at the end of the program.
 *
 * The D2 story:
 * client `a` forks into `pi` (which makes its use port `u` active, served by `c`) and a
 * branch that ends in `pi2` (which also needs `u2`, served by `b`). Entering `pi2` is blocked until `b`
 * is up. If `a` leaves `pi` first, `u` goes inactive, `c` may stop, and `pi2` can never be entered
 * again; only the orders where `b` comes up while `a` still holds `pi` reach `a in pi2`.
 */
import { describe, expect, it } from 'vitest';
import { fastExplore } from '../../../src/explore/fast/explore.js';
import { loadText } from '../helpers.js';
import { answer, replayProblem } from './check.js';

const MODEL = `
component Client {
  places s0, pi, pi2, x, y
  initial s0
  behavior run {
    f1: s0 -> pi
    f2: s0 -> y
    g1: pi -> x
    g2: y -> pi2
  }
  use u on pi, pi2
  use u2 on pi2
}
component Server {
  places p1, p2
  initial p1
  behavior stop { s: p1 -> p2 }
  provide q on p1
}
component Flag {
  places b0, b1, b2
  initial b0
  behavior go {
    h1: b0 -> b1
    h2: b0 -> b2
  }
  provide q on b1
}
program main {
  add(c: Server)
  add(b: Flag)
  add(a: Client)
  con(a.u, c.q)
  con(a.u2, b.q)
  pushB(a, run)
  pushB(c, stop)
  pushB(b, go)
  wait(a)
}
`;

describe('partial-order reduction: rule D2 (guard-blocked steps)', () => {
  it.each([
    ['with an invariant on the blocked place', `${MODEL}invariant two: not a in pi2\n`, ['deadlock:', 'invariant:two']],
    ['without invariants (the per-wait answers)', MODEL, ['deadlock:']],
  ])('the reduced search gives the full answer %s', (_, src, kinds) => {
    const m = loadText(src);
    const full = fastExplore(m, 'main', { reduce: false });
    const red = fastExplore(m, 'main', { reduce: true });
    expect(answer(full)).toMatchObject({ status: 'violation', kinds });
    // the end of the program does not return on some execution (a never finishes `run`)
    expect(full.status === 'violation' && full.waits.at(-1)!.returns).toBe(false);
    expect(answer(red)).toEqual(answer(full));
    expect(red.stats.states).toBeLessThan(full.stats.states);
    expect(replayProblem(m, red)).toBeUndefined();
  });
});

const TOKEN = `
component T {
  places p0, p1
  initial p0
  behavior go { t: p0 -> p1 }
}
`;

describe('partial-order reduction: visibility', () => {
  it.each([
    // z reaches p1 while y still sits in p0: only if z moves before y's (visible) leave
    ['a persistent set with a visible step is expanded', `${TOKEN}program main {
  add(y: T)
  add(z: T)
  pushB(y, go)
  pushB(z, go)
  wait(y)
}
invariant window: not (z in p1 and y in p0)
`],
    // y reaches p1 before x is added: only if y moves before the (visible) add(x)
    ['an enabled visible instruction is not taken alone', `${TOKEN}program main {
  add(y: T)
  pushB(y, go)
  add(x: T)
  wait(y)
}
invariant late: y in p1 implies x in p0
`],
  ])('%s', (_, src) => {
    const m = loadText(src);
    const full = fastExplore(m, 'main', { reduce: false });
    const red = fastExplore(m, 'main', { reduce: true });
    expect(full.status).toBe('violation');
    expect(answer(red)).toEqual(answer(full));
    expect(replayProblem(m, red)).toBeUndefined();
  });
});

describe('partial-order reduction: the waited-for instance seeds the stubborn set', () => {
  it('finds both blocked instructions: the dcon (y entered p1 first) and the end (the dcon came first)', () => {
    const m = loadText(`
component Srv {
  places off, on
  initial off
  behavior up { s: off -> on }
  provide q on on
}
component Y {
  places p0, p1
  initial p0
  behavior go { t: p0 -> p1 }
  use u on p1
}
component X {
  places p0, p1, p2
  initial p0
  behavior go {
    a: p0 -> p1
    b: p0 -> p2
  }
}
program main {
  add(s: Srv)
  add(y: Y)
  add(x: X)
  con(y.u, s.q)
  pushB(s, up)
  wait(s)
  pushB(y, go)
  pushB(x, go)
  wait(x)
  dcon(y.u, s.q)
}
`);
    const full = fastExplore(m, 'main', { reduce: false });
    const red = fastExplore(m, 'main', { reduce: true });
    const blocked = (v: typeof full) => (v.status === 'bound' ? [] : v.waits.filter((w) => !w.returns).map((w) => w.text));
    expect(blocked(full)).toEqual(['dcon(y.u, s.q)', 'end of program']);
    expect(answer(red)).toEqual(answer(full));
    expect(replayProblem(m, red)).toBeUndefined();
  });
});
