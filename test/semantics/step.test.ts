/**
 * The reference semantics of cto-language.md §3, rule by rule: each guard blocks exactly when the
 * contract says, joins wait for every dock, finish needs nothing left to do, program steps wait, and a
 * completed program of an `after` chain hands over to the next without a step.
 */
import { describe, expect, it } from 'vitest';
import { stepText } from '../../src/explore/describe.js';
import {
  candidates,
  contextFor,
  evalExpr,
  isCompleted,
  isDeadlock,
  portActiveIn,
  psBreaches,
  startState,
  stateKey,
  violatedInvariants,
  type Context,
  type State,
} from '../../src/semantics/index.js';
import { loadText, loadUnchecked } from '../explore/helpers.js';

const NET = `
component P {
  places off, on
  initial off
  behavior up   { pu: off -> on }
  behavior down { pd: on -> off }
  provide s on on
}
component U {
  places off, a, b, on
  initial off
  behavior up {
    ta: off -> a
    tb: off -> b
    ja: a -> on
    jb: b -> on
  }
  behavior down { ud: on -> off }
  use s on on
}
program p {
  add(p: P)
  add(u: U)
  con(u.s, p.s)
  pushB(u, up)
  pushB(p, up)
  pushB(p, down)
  dcon(u.s, p.s)
  wait(u)
}
program q after p { pushB(u, down) }
invariant inv: u in on implies p in on
`;

/** The candidate named `text` in `s` (as `stepText` writes it). */
function cand(ctx: Context, s: State, text: string) {
  return candidates(ctx, s).find((c) => stepText(ctx, c.step) === text);
}

/** Applies the enabled steps named by `texts`, in order; fails the test if one is missing or blocked. */
function run(ctx: Context, s: State, ...texts: string[]): State {
  for (const t of texts) {
    const c = cand(ctx, s, t);
    expect(c, `step ${t} should be a candidate`).toBeDefined();
    expect(c!.blockers, `step ${t} should be enabled`).toEqual([]);
    s = c!.next;
  }
  return s;
}

const model = loadText(NET);
const ctx = contextFor(model, 'p');
const setup = run(ctx, startState(ctx), 'add(p: P)', 'add(u: U)', 'con(u.s, p.s)', 'pushB(u, up)', 'pushB(p, up)', 'pushB(p, down)');

describe('component steps', () => {
  it('leave starts every outgoing transition of the current behavior together', () => {
    const s = run(ctx, setup, 'u.leave(off)');
    expect(s.instances.get('u')!.running).toEqual(['ta', 'tb']);
    expect(s.instances.get('u')!.marked).toEqual([]);
  });

  it('enter of a join waits for every dock of the behavior into the place (AND-join)', () => {
    let s = run(ctx, setup, 'u.leave(off)', 'u.end(ta)', 'u.enter(a)', 'u.leave(a)', 'u.end(ja)');
    expect(cand(ctx, s, 'u.enter(on)')).toBeUndefined(); // jb's dock is not filled
    s = run(ctx, s, 'u.end(tb)', 'u.enter(b)', 'u.leave(b)', 'u.end(jb)');
    expect(cand(ctx, s, 'u.enter(on)')).toBeDefined();
  });

  it('enter guard: a use port it activates must be connected to an active provide port', () => {
    const s = run(ctx, setup, 'u.leave(off)', 'u.end(ta)', 'u.end(tb)', 'u.enter(a)', 'u.enter(b)', 'u.leave(a)', 'u.leave(b)', 'u.end(ja)', 'u.end(jb)');
    expect(cand(ctx, s, 'u.enter(on)')!.blockers).toEqual([
      { kind: 'providerInactive', port: 's', connection: { user: 'u', usePort: 's', provider: 'p', providePort: 's' } },
    ]);
    const s2 = run(ctx, s, 'p.leave(off)', 'p.end(pu)', 'p.enter(on)', 'u.enter(on)');
    expect(psBreaches(ctx, s2)).toEqual([]);
  });

  it('leave guard: a provide port it deactivates must have no active connected use port', () => {
    const s = run(ctx, setup, 'p.leave(off)', 'p.end(pu)', 'p.enter(on)', 'p.finish(up)');
    expect(cand(ctx, s, 'p.leave(on)')!.blockers).toEqual([]); // u.s is inactive
    const busy = run(ctx, s, 'u.leave(off)', 'u.end(ta)', 'u.end(tb)', 'u.enter(a)', 'u.enter(b)', 'u.leave(a)', 'u.leave(b)', 'u.end(ja)', 'u.end(jb)', 'u.enter(on)');
    expect(cand(ctx, busy, 'p.leave(on)')!.blockers).toEqual([
      { kind: 'providerInUse', port: 's', connection: { user: 'u', usePort: 's', provider: 'p', providePort: 's' } },
    ]);
  });

  it('finish needs no running transition, no dock and no marked place with an outgoing transition', () => {
    const s = run(ctx, setup, 'p.leave(off)');
    expect(cand(ctx, s, 'p.finish(up)')).toBeUndefined();
    const s2 = run(ctx, s, 'p.end(pu)');
    expect(cand(ctx, s2, 'p.finish(up)')).toBeUndefined();
    const s3 = run(ctx, s2, 'p.enter(on)', 'p.finish(up)');
    expect(s3.instances.get('p')!.queue).toEqual(['down']);
  });
});

describe('program steps', () => {
  it('dcon waits until the use port is inactive; wait until the instance is idle', () => {
    let s = run(ctx, setup, 'p.leave(off)', 'p.end(pu)', 'p.enter(on)', 'p.finish(up)');
    s = run(ctx, s, 'u.leave(off)', 'u.end(ta)', 'u.end(tb)', 'u.enter(a)', 'u.enter(b)', 'u.leave(a)', 'u.leave(b)', 'u.end(ja)', 'u.end(jb)', 'u.enter(on)');
    expect(cand(ctx, s, 'dcon(u.s, p.s)')!.blockers).toEqual([{ kind: 'useActive', instance: 'u', port: 's' }]);
    // p cannot leave on while u uses it, u stays in on: p is not idle, nothing else to do
    s = run(ctx, s, 'u.finish(up)');
    expect(isDeadlock(ctx, s)).toBe(true);
  });

  it('a completed program of the after chain is the next program\'s start state (no step)', () => {
    const qctx = contextFor(model, 'q');
    let s = run(qctx, startState(qctx), 'add(p: P)', 'add(u: U)', 'con(u.s, p.s)', 'pushB(u, up)', 'pushB(p, up)', 'pushB(p, down)');
    s = run(qctx, s, 'p.leave(off)', 'p.end(pu)', 'p.enter(on)', 'p.finish(up)', 'p.leave(on)', 'p.end(pd)', 'p.enter(off)', 'p.finish(down)');
    s = run(qctx, s, 'dcon(u.s, p.s)');
    s = run(qctx, s, 'u.leave(off)', 'u.end(ta)', 'u.end(tb)', 'u.enter(a)', 'u.enter(b)', 'u.leave(a)', 'u.leave(b)', 'u.end(ja)', 'u.end(jb)');
    expect(s.stage).toBe(0);
    expect(cand(qctx, s, 'u.enter(on)')!.blockers).toEqual([{ kind: 'useUnconnected', port: 's' }]);
    expect(isDeadlock(qctx, s)).toBe(true);
  });

  it('hands over when the last instruction makes everything idle', () => {
    const m = loadText(`component A { places off, on initial off behavior go { g: off -> on } }
program a { add(x: A) }
program b after a { pushB(x, go) }`);
    const bctx = contextFor(m, 'b');
    const s = run(bctx, startState(bctx), 'add(x: A)');
    expect([s.stage, s.pc]).toEqual([1, 0]);
    expect(isCompleted(bctx, s)).toBe(false);
    const done = run(bctx, s, 'pushB(x, go)', 'x.leave(off)', 'x.end(g)', 'x.enter(on)', 'x.finish(go)');
    expect(isCompleted(bctx, done)).toBe(true);
    expect(isDeadlock(bctx, done)).toBe(false);
  });
});

describe('predicates', () => {
  it('invariant atoms about an instance that is not live are false', () => {
    const s0 = startState(ctx);
    expect(violatedInvariants(ctx, s0)).toEqual([]);
    expect(evalExpr(ctx, s0, { kind: 'idle', instance: 'u', span: model.invariants[0]!.span })).toBe(false);
    expect(evalExpr(ctx, s0, { kind: 'active', instance: 'p', port: 's', span: model.invariants[0]!.span })).toBe(false);
  });

  it('a port group includes the transitions inside it: a token running or docked there keeps the port active', () => {
    const m = loadUnchecked(`component A {
  places off, x, y
  initial off
  behavior go { g: off -> x  h: x -> y }
  use s on x, y
}
program p { add(a: A) }`);
    const port = m.componentByName.get('A')!.portByName.get('s')!;
    const inst = (marked: string[], running: string[], docks: string[]) => ({ type: 'A', marked, running, docks, queue: ['go'] });
    expect(portActiveIn(port, inst([], ['h'], []))).toBe(true); // h: x -> y lies inside {x, y}
    expect(portActiveIn(port, inst([], [], ['h']))).toBe(true);
    expect(portActiveIn(port, inst([], ['g'], []))).toBe(false); // g: off -> x leaves the group's outside
    expect(portActiveIn(port, inst([], [], ['g']))).toBe(false);
    expect(portActiveIn(port, inst(['off'], [], []))).toBe(false);
  });

  it('stateKey identifies equal states reached in different orders', () => {
    const a = run(ctx, setup, 'u.leave(off)', 'u.end(ta)', 'u.end(tb)');
    const b = run(ctx, setup, 'u.leave(off)', 'u.end(tb)', 'u.end(ta)');
    expect(stateKey(a)).toBe(stateKey(b));
    expect(stateKey(a)).not.toBe(stateKey(run(ctx, setup, 'u.leave(off)', 'u.end(ta)')));
  });
});
