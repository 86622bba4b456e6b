/**
 * Lemma `independence` — the independence relation the fast explorer's partial-order reduction uses
 * (spec/reduction.md §2) is sound: two independent component steps that are both enabled commute (either
 * order reaches the same state) and neither disables the other.
 *
 * The relation (spec/reduction.md §2, "Dependence between component steps"). Steps of the same instance
 * are dependent. A step `a` of instance A and a step `b` of a *different* instance B are dependent only
 * if, for a connection `B.u → A.q` (B's use port u on A's provide port q), `a` makes `A.q` inactive and
 * `b` makes `B.u` active — or symmetrically (`A.u → B.q`, `b` deactivates `B.q`, `a` activates `A.u`).
 * Every other pair of steps of different instances is independent. This contains the narrower relation
 * this lemma proved first (relation `unconnected-or-guard-free`): (I1) no connection joins A and B, or
 * (I2) one of the steps is guard-free — deactivates no provide port and activates no use port of its
 * instance (the fast explorer's "lone unguarded step", spec/reduction.md §3 rule 1).
 *
 * What it proves. Over two generic instances A and B (structure symbolic, as in the other lemmas), each
 * with connections to the outside world and arbitrary connections between A and B (A's use ports on B's
 * provide ports and vice versa, and self-connections), for every pair of component step kinds
 * (leave/end/enter/finish): if the pair is independent and both steps are enabled (premise and guard)
 * in a state, then after either one the other is still enabled, and both orders give the same state.
 * Port activity obeys §3's group rule (a transition is in a port's group iff both its ends are), which
 * is what makes "a leave never activates a port, an enter never deactivates one" true; the outside world
 * (`extActive`, `extUsers`) is fixed, since a step of A or B does not change other instances.
 *
 * What it does not cover. (1) Instructions: the reduction also treats the enabled instruction at `g`
 * as independent of every component step (§3 rule 2: `add`, `pushB`, `con` of an inactive use port,
 * and `wait`/`del`/`waitAll` of idle instances) — that argument is about the program counter and queues
 * and is not stated here. (2) The persistent-set construction itself (rules 1–3, the closure D1/D2 with
 * its `futureActivate`/`futureDeactivate` over-approximation) and the visibility side condition: those
 * are argued in spec/reduction.md §3–4 and tested against the full exploration by property tests, not
 * proved. (3) Components larger than the sizes checked (default 4 places, 4 transitions, 2 use and 2
 * provide ports per instance). What is proved is exactly the premise the reduction's §4 proof uses:
 * steps of different instances that the relation calls independent commute and do not disable each other.
 *
 * Why it matters. A reduced exploration explores one order of independent steps only; it is sound only
 * if skipping the other orders loses no reachable state and no deadlock — that is, if independent steps
 * commute and cannot disable each other. A test widens the relation (any two steps of different
 * instances) and sees the proof fail on `leave ∥ enter`: a leave deactivating a provide port and an enter
 * activating a use port connected to it do interfere — exactly the pairs the relation calls dependent.
 * (The relation cannot be narrowed further: dropping either half of the conflict condition, the
 * deactivation or the activation, only makes more pairs dependent.)
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
  /**
   * `reduction` (the default: spec/reduction.md's relation), `unconnected-or-guard-free` (the narrower
   * I1-or-I2 relation), or the deliberately wrong `any-different-instances` (ignores connections and guards).
   */
  readonly relation?: 'reduction' | 'unconnected-or-guard-free' | 'any-different-instances';
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

/** Whether the step from `pre` to `post` makes use port u of `c` active. */
function activatesUse(ctx: Z3Context, c: GenericComponent, pre: GenericState, post: GenericState, u: number): Z3Bool {
  return ctx.And(ctx.Not(activeIn(ctx, c, c.useG[u]!, pre)), activeIn(ctx, c, c.useG[u]!, post));
}

/** Whether the step from `pre` to `post` makes provide port q of `c` inactive. */
function deactivatesProvide(ctx: Z3Context, c: GenericComponent, pre: GenericState, post: GenericState, q: number): Z3Bool {
  return ctx.And(activeIn(ctx, c, c.provG[q]!, pre), ctx.Not(activeIn(ctx, c, c.provG[q]!, post)));
}

/**
 * spec/reduction.md's dependence, one direction: some use port u of `user` is connected to provide port
 * q of `provider`, the user's step activates u and the provider's step deactivates q.
 */
function conflict(ctx: Z3Context, user: Side, uPre: GenericState, uPost: GenericState, provider: Side, pPre: GenericState, pPost: GenericState): Z3Bool {
  return ctx.Or(
    ...user.peer.flatMap((row, u) =>
      row.map((c, q) => ctx.And(c, activatesUse(ctx, user.comp, uPre, uPost, u), deactivatesProvide(ctx, provider.comp, pPre, pPost, q))),
    ),
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
  statement:
    'steps of different instances commute and neither disables the other unless, over a connection between them, one deactivates the provide port and the other activates the use port (spec/reduction.md §2)',
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
        const bOnA = conflict(ctx, B.side, sB.state, b1, A.side, sA.state, a1); // B.u → A.q
        const aOnB = conflict(ctx, A.side, sA.state, a1, B.side, sB.state, b1); // A.u → B.q
        const relation = opts.relation ?? 'reduction';
        const independent =
          relation === 'any-different-instances'
            ? ctx.Bool.val(true)
            : relation === 'unconnected-or-guard-free'
              ? Or(unconnected(ctx, A.side, B.side), guardFree(ctx, A.side.comp, sA.state, a1), guardFree(ctx, B.side.comp, sB.state, b1))
              : ctx.Not(Or(bOnA, aOnB));
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
