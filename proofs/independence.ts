/**
 * Lemma `independence` — the independence relation partial-order reduction relies on is sound: two
 * independent steps that are both enabled commute (either order reaches the same state) and neither
 * disables the other.
 *
 * The relation. A step `a` of instance A and a step `b` of a *different* instance B are independent when
 *   (I1) no connection joins A and B (in either direction), or
 *   (I2) one of them is *guard-free*: its effect makes no provide port of its instance inactive and no
 *        use port of its instance active (every `end` and `finish`; a `leave` that keeps every provide
 *        port active; an `enter` that activates no use port).
 * (I1) is the classical "touch no shared port/connection state"; (I2) is what the fast explorer's
 * "lone step" reduction uses (src/explore/fast/explore.ts, spec/reduction.md): a guard-free step reads
 * nothing of any other instance, and what it changes of its own ports can only make other guards truer
 * (a leave deactivates ports, which only helps a provider's leave guard; an enter activates ports, which
 * only helps a user's enter guard — that direction of monotonicity is what Z3 checks here).
 *
 * What it proves. Over two generic instances A and B (structure symbolic, as in the other lemmas), each
 * with connections to the outside world and arbitrary connections between A and B (including A's use
 * port on B's provide port and vice versa, and self-connections), for every pair of step kinds: if the
 * pair is independent and both steps are enabled (premise and guard) in a state, then after either one
 * the other is still enabled, and both orders give the same state.
 *
 * Why it matters. A reduced exploration explores one order of independent steps only; it is sound only
 * if skipping the other orders loses no reachable state and no deadlock — that is, if independent steps
 * commute and cannot disable each other. A test widens the relation (any two steps of different
 * instances) and sees the proof fail: connected instances' guards do interfere.
 */
import type { Z3Bool, Z3Context } from '../src/smt/z3.js';
import {
  STEP_KINDS,
  activeIn,
  genericComponent,
  genericState,
  genericStep,
  sameState,
  type GenericComponent,
  type GenericState,
  type Sizes,
  type StepKind,
} from './generic.js';
import type { Lemma, Obligation } from './kit.js';

/** Options: size, and a deliberately wrong relation for tests. */
export interface IndependenceOptions {
  /** Size of each generic component (default: 4 places, 4 transitions, 2 use and 2 provide ports). */
  readonly sizes?: Sizes;
  /** `sound` (I1 or I2, the default) or `any-different-instances` (wrong: ignores connections and guards). */
  readonly relation?: 'sound' | 'any-different-instances';
}

/** The default size of this lemma (two components per formula: a little smaller than the others). */
export const INDEPENDENCE_SIZES: Sizes = { places: 4, transitions: 4, usePorts: 2, providePorts: 2 };

/** One instance with its connections: to the outside, to itself, and to the peer. */
interface Side {
  readonly comp: GenericComponent;
  /** `conn[u]`: use port u is connected (to the outside, to itself or to the peer). */
  readonly conn: readonly Z3Bool[];
  /** `own[u][q]`: use port u is connected to this instance's provide port q. */
  readonly own: readonly (readonly Z3Bool[])[];
  /** `peer[u][q]`: use port u is connected to the peer's provide port q. */
  readonly peer: readonly (readonly Z3Bool[])[];
  /** `extActive[u]`: u is connected to an outside provide port that is active. */
  readonly extActive: readonly Z3Bool[];
  /** `extUsers[q]`: an outside use port connected to provide port q is active. */
  readonly extUsers: readonly Z3Bool[];
}

function side(ctx: Z3Context, name: string, sizes: Sizes): { side: Side; facts: Z3Bool[] } {
  const { Bool, Implies, AtMost } = ctx;
  const comp = genericComponent(ctx, name, sizes);
  const U = [...Array(sizes.usePorts).keys()];
  const Q = [...Array(sizes.providePorts).keys()];
  const s: Side = {
    comp,
    conn: U.map((u) => Bool.const(`${name}_conn_${u}`)),
    own: U.map((u) => Q.map((q) => Bool.const(`${name}_own_${u}_${q}`))),
    peer: U.map((u) => Q.map((q) => Bool.const(`${name}_peer_${u}_${q}`))),
    extActive: U.map((u) => Bool.const(`${name}_extActive_${u}`)),
    extUsers: Q.map((q) => Bool.const(`${name}_extUsers_${q}`)),
  };
  const facts: Z3Bool[] = [...comp.axioms];
  for (const u of U) {
    const targets = [...s.own[u]!, ...s.peer[u]!];
    facts.push(AtMost(targets as [Z3Bool, ...Z3Bool[]], 1));
    for (const x of targets) facts.push(Implies(x, s.conn[u]!));
  }
  return { side: s, facts };
}

/** Whether use port u of `me` (state `s`) is connected to an active provide port, the peer being in state `other`. */
function providerActive(ctx: Z3Context, me: Side, peer: Side, s: GenericState, other: GenericState, u: number): Z3Bool {
  const { And, Or, Not } = ctx;
  const inside = Or(...me.own[u]!, ...me.peer[u]!);
  return Or(
    And(me.conn[u]!, Not(inside), me.extActive[u]!),
    ...me.own[u]!.map((o, q) => And(o, activeIn(ctx, me.comp, me.comp.provG[q]!, s))),
    ...me.peer[u]!.map((o, q) => And(o, activeIn(ctx, peer.comp, peer.comp.provG[q]!, other))),
  );
}

/** Whether some use port connected to provide port q of `me` is active. */
function usersActive(ctx: Z3Context, me: Side, peer: Side, s: GenericState, other: GenericState, q: number): Z3Bool {
  const { And, Or } = ctx;
  return Or(
    me.extUsers[q]!,
    ...me.own.map((o, u) => And(o[q]!, activeIn(ctx, me.comp, me.comp.useG[u]!, s))),
    ...peer.peer.map((o, u) => And(o[q]!, activeIn(ctx, peer.comp, peer.comp.useG[u]!, other))),
  );
}

/** §3 guards of `kind` for `me` going from `pre` to `post`, the peer being in state `other`. */
function guard(ctx: Z3Context, me: Side, peer: Side, kind: StepKind, pre: GenericState, post: GenericState, other: GenericState): Z3Bool {
  const { And, Not, Implies } = ctx;
  const c = me.comp;
  if (kind === 'leave') {
    return And(
      ...c.provG.map((G, q) =>
        Implies(And(activeIn(ctx, c, G, pre), Not(activeIn(ctx, c, G, post))), Not(usersActive(ctx, me, peer, post, other, q))),
      ),
    );
  }
  if (kind === 'enter') {
    return And(
      ...c.useG.map((G, u) =>
        Implies(And(Not(activeIn(ctx, c, G, pre)), activeIn(ctx, c, G, post)), And(me.conn[u]!, providerActive(ctx, me, peer, post, other, u))),
      ),
    );
  }
  return ctx.Bool.val(true);
}

/** Guard-free: the step deactivates no provide port and activates no use port of its instance. */
function guardFree(ctx: Z3Context, c: GenericComponent, pre: GenericState, post: GenericState): Z3Bool {
  const { And, Not } = ctx;
  return And(
    ...c.provG.map((G) => Not(And(activeIn(ctx, c, G, pre), Not(activeIn(ctx, c, G, post))))),
    ...c.useG.map((G) => Not(And(Not(activeIn(ctx, c, G, pre)), activeIn(ctx, c, G, post)))),
  );
}

/** No connection joins the two instances. */
function unconnected(ctx: Z3Context, a: Side, b: Side): Z3Bool {
  const { Not, Or } = ctx;
  return Not(Or(...a.peer.flat(), ...b.peer.flat()));
}

/** The lemma: independent steps of different instances commute and do not disable each other. */
export const independence: Lemma<IndependenceOptions> = {
  name: 'independence',
  statement: 'steps of different instances that are unconnected, or of which one is guard-free, commute and neither disables the other',
  obligations(ctx, opts) {
    const { And, Or } = ctx;
    const sizes = opts.sizes ?? INDEPENDENCE_SIZES;
    const A = side(ctx, 'A', sizes);
    const B = side(ctx, 'B', sizes);
    const sA = genericState(ctx, A.side.comp, 'sA');
    const sB = genericState(ctx, B.side.comp, 'sB');
    const obligations: Obligation[] = [];
    // unordered pairs of kinds suffice: the roles of A and B are symmetric
    STEP_KINDS.forEach((ka, i) =>
      STEP_KINDS.slice(i).forEach((kb) => {
        const a = genericStep(ctx, A.side.comp, sA.state, ka, 'a');
        const b = genericStep(ctx, B.side.comp, sB.state, kb, 'b');
        const a1 = a.post;
        const b1 = b.post;
        const independent =
          opts.relation === 'any-different-instances'
            ? ctx.Bool.val(true)
            : Or(unconnected(ctx, A.side, B.side), guardFree(ctx, A.side.comp, sA.state, a1), guardFree(ctx, B.side.comp, sB.state, b1));
        const enabledA = (other: GenericState): Z3Bool => guard(ctx, A.side, B.side, ka, sA.state, a1, other);
        const enabledB = (other: GenericState): Z3Bool => guard(ctx, B.side, A.side, kb, sB.state, b1, other);
        // a then b, and b then a: the premises are local, so only the guards can differ
        const aThenB = genericStep(ctx, B.side.comp, sB.state, kb, 'b'); // b's effect does not depend on A
        const bThenA = genericStep(ctx, A.side.comp, sA.state, ka, 'a');
        obligations.push({
          label: `${ka} ∥ ${kb}`,
          assume: [...A.facts, ...B.facts, ...sA.facts, ...sB.facts, a.pre, b.pre, independent, enabledA(sB.state), enabledB(sA.state)],
          claim: And(
            enabledB(a1), // a does not disable b
            enabledA(b1), // b does not disable a
            sameState(ctx, aThenB.post, b1),
            sameState(ctx, bThenA.post, a1),
          ),
        });
      }),
    );
    return obligations;
  },
};
