/**
 * A model on which each soundness rule of the partial-order reduction is needed (spec/reduction.md §3),
 * checked against full exploration. The random-model properties did not notice when rule D2 (a
 * guard-blocked step brings in the instance that blocks it) was removed; this model does: without D2
 * the reduced search misses the invariant violation and wrongly says the end of the program returns.
 *
 * The story: client `a` forks into `pi` (which makes its use port `u` active, served by `c`) and a
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
