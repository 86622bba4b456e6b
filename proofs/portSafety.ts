/**
 * Lemma `port-safety` — PS (cto-language.md §3) is preserved by every step: by the component steps
 * thanks to their guards, and by the instructions thanks to the program rules of §2.
 *
 * What it proves. Take a generic instance `c` (structure symbolic: places, transitions of its current
 * behavior, the places each of its use and provide ports is bound to) in an arbitrary environment: each
 * use port of `c` is unconnected, connected to another instance's provide port (whose activity `c`'s
 * step cannot change), or connected to one of `c`'s own provide ports; each provide port of `c` may
 * serve other instances' use ports, of which we only need to know whether one is active. In a state
 * where PS holds, after any leave, end, enter or finish of `c` whose premise and guard hold, PS still
 * holds — for `c`'s use ports and for every use port `c` provides to. Other instances' ports are
 * untouched by `c`'s step unless `c` provides to them, which is covered. Then the instructions:
 *   - `con(u, p)` on a use port that is not connected (program rule): PS before means `u` is inactive,
 *     so the new connection cannot be an unsafe one;
 *   - `dcon(u, p)` returns only once `u` is inactive, and a provide port losing a user loses nothing;
 *   - `add(c: T)` marks only the initial place, which no use port is bound to (static rule), and the new
 *     instance has no connection;
 *   - `del(c)` removes an instance that no connection involves (program rule), so no other port's PS
 *     mentions it; `pushB`, `wait`, `waitAll` change neither tokens nor connections.
 *
 * Why it matters. §4 asks `verify` to check PS in every reachable state, and says it holds by
 * construction in a file that loads. This lemma is that construction: the only way an engine reports a
 * PS breach on a loaded file is a bug in the engine, and the guards of leave and enter are exactly
 * strong enough (a test removes either one, or reads groups wrongly, and sees the proof fail).
 */
import type { Z3Bool, Z3Context } from '../src/smt/z3.js';
import {
  DEFAULT_SIZES,
  STEP_KINDS,
  activeIn,
  genericComponent,
  genericState,
  genericStep,
  type GenericComponent,
  type GenericState,
  type GroupRule,
  type Sizes,
} from './generic.js';
import type { Lemma, Obligation } from './kit.js';

/** Ways to break the lemma on purpose (tests check that the proof then fails). */
export interface PortSafetyOptions {
  /** Size of the generic component. */
  readonly sizes?: Sizes;
  /** Drop the guard of `leave` or of `enter`. */
  readonly dropGuard?: 'leave' | 'enter';
  /** Read port groups wrongly. */
  readonly groupRule?: GroupRule;
}

/** The connections of one instance `c` to its environment (see the lemma's prose). */
export interface Environment {
  /** `conn[u]`: use port u is connected. */
  readonly conn: readonly Z3Bool[];
  /** `own[u][q]`: use port u is connected to `c`'s own provide port q (then `conn[u]`). */
  readonly own: readonly (readonly Z3Bool[])[];
  /** `extActive[u]`: u is connected to another instance's provide port, and that port is active. */
  readonly extActive: readonly Z3Bool[];
  /** `extUsers[q]`: some other instance's use port connected to provide port q is active. */
  readonly extUsers: readonly Z3Bool[];
  /** Well-formedness: a use port has at most one provider; `own` implies `conn`. */
  readonly facts: readonly Z3Bool[];
}

/** A fresh, arbitrary environment of an instance of `comp`. */
export function environment(ctx: Z3Context, comp: GenericComponent, name: string): Environment {
  const { Bool, Implies, AtMost } = ctx;
  const U = [...Array(comp.sizes.usePorts).keys()];
  const Q = [...Array(comp.sizes.providePorts).keys()];
  const conn = U.map((u) => Bool.const(`${name}_conn_${u}`));
  const own = U.map((u) => Q.map((q) => Bool.const(`${name}_own_${u}_${q}`)));
  const extActive = U.map((u) => Bool.const(`${name}_extActive_${u}`));
  const extUsers = Q.map((q) => Bool.const(`${name}_extUsers_${q}`));
  const facts: Z3Bool[] = [];
  for (const u of U) {
    if (Q.length > 1) facts.push(AtMost(own[u]! as [Z3Bool, ...Z3Bool[]], 1));
    for (const q of Q) facts.push(Implies(own[u]![q]!, conn[u]!));
  }
  return { conn, own, extActive, extUsers, facts };
}

/** Whether use port u is connected to an active provide port, in local state `s`. */
function providerActive(ctx: Z3Context, comp: GenericComponent, env: Environment, s: GenericState, u: number): Z3Bool {
  const { And, Or, Not } = ctx;
  const owned = Or(...env.own[u]!);
  return Or(
    And(env.conn[u]!, Not(owned), env.extActive[u]!),
    ...env.own[u]!.map((o, q) => And(o, activeIn(ctx, comp, comp.provG[q]!, s))),
  );
}

/** Whether some use port connected to provide port q is active, in local state `s`. */
function usersActive(ctx: Z3Context, comp: GenericComponent, env: Environment, s: GenericState, q: number): Z3Bool {
  const { And, Or } = ctx;
  return Or(env.extUsers[q]!, ...env.own.map((o, u) => And(o[q]!, activeIn(ctx, comp, comp.useG[u]!, s))));
}

/** PS for every port `c`'s state matters to: its use ports, and the use ports it provides to. */
export function ps(ctx: Z3Context, comp: GenericComponent, env: Environment, s: GenericState): Z3Bool {
  const { And, Implies } = ctx;
  return And(
    ...comp.useG.map((G, u) => Implies(activeIn(ctx, comp, G, s), And(env.conn[u]!, providerActive(ctx, comp, env, s, u)))),
    ...comp.provG.map((G, q) => Implies(env.extUsers[q]!, activeIn(ctx, comp, G, s))),
  );
}

/** The guard of a step of §3 (leave: rule 1; enter: rule 3; end and finish have none). */
export function guard(
  ctx: Z3Context,
  comp: GenericComponent,
  env: Environment,
  kind: (typeof STEP_KINDS)[number],
  pre: GenericState,
  post: GenericState,
): Z3Bool {
  const { And, Not, Implies } = ctx;
  if (kind === 'leave') {
    // a provide port made inactive has no active user (evaluated after the step)
    return And(
      ...comp.provG.map((G, q) =>
        Implies(And(activeIn(ctx, comp, G, pre), Not(activeIn(ctx, comp, G, post))), Not(usersActive(ctx, comp, env, post, q))),
      ),
    );
  }
  if (kind === 'enter') {
    // a use port made active is connected to an active provide port (evaluated after the step)
    return And(
      ...comp.useG.map((G, u) =>
        Implies(
          And(Not(activeIn(ctx, comp, G, pre)), activeIn(ctx, comp, G, post)),
          And(env.conn[u]!, providerActive(ctx, comp, env, post, u)),
        ),
      ),
    );
  }
  return ctx.Bool.val(true);
}

/** The lemma: PS is preserved by every component step (given the guards) and every instruction (given §2). */
export const portSafety: Lemma<PortSafetyOptions> = {
  name: 'port-safety',
  statement: 'PS is preserved by leave/end/enter/finish under their guards, and by con/dcon/add/del under the program rules',
  obligations(ctx, opts) {
    const { And, Not, Bool, Implies } = ctx;
    const sizes = opts.sizes ?? DEFAULT_SIZES;
    const comp = genericComponent(ctx, 'c', sizes, { groupRule: opts.groupRule });
    const { state: s, facts } = genericState(ctx, comp, 's');
    const env = environment(ctx, comp, 'e');
    const base = [...comp.axioms, ...facts, ...env.facts, ps(ctx, comp, env, s)];
    const obligations: Obligation[] = STEP_KINDS.map((kind) => {
      const step = genericStep(ctx, comp, s, kind, kind);
      const g = opts.dropGuard === kind ? Bool.val(true) : guard(ctx, comp, env, kind, s, step.post);
      return { label: `${kind} preserves PS`, assume: [...base, ...step.facts, step.pre, g], claim: ps(ctx, comp, env, step.post) };
    });

    // con on use port 0 (any use port, by renaming), not connected before: to another instance's port
    // (active or not) or to one of c's own provide ports.
    const conEnv: Environment = {
      ...env,
      conn: env.conn.map((c, u) => (u === 0 ? Bool.val(true) : c)),
      own: env.own.map((o, u) => (u === 0 ? o.map((_, q) => Bool.const(`con_own_${q}`)) : o)),
      extActive: env.extActive.map((a, u) => (u === 0 ? Bool.const('con_extActive') : a)),
    };
    obligations.push({
      label: 'con preserves PS',
      assume: [...base, Not(env.conn[0]!), ...environmentFacts(ctx, conEnv)],
      claim: ps(ctx, comp, conEnv, s),
    });

    // dcon of use port 0 once it is inactive; a provide port of c may lose any of its external users.
    const dconEnv: Environment = {
      ...env,
      conn: env.conn.map((c, u) => (u === 0 ? Bool.val(false) : c)),
      own: env.own.map((o, u) => (u === 0 ? o.map(() => Bool.val(false)) : o)),
      extUsers: env.extUsers.map((_, q) => Bool.const(`dcon_extUsers_${q}`)),
    };
    obligations.push({
      label: 'dcon preserves PS',
      assume: [
        ...base,
        env.conn[0]!,
        Not(activeIn(ctx, comp, comp.useG[0]!, s)),
        ...dconEnv.extUsers.map((x, q) => Implies(x, env.extUsers[q]!)),
      ],
      claim: ps(ctx, comp, dconEnv, s),
    });

    // add: only the initial place (place 0, by renaming) is marked; no use port is bound to it (§2);
    // the new instance has no connections and provides to nobody.
    const added: typeof s = {
      M: s.M.map((_, p) => Bool.val(p === 0)),
      R: s.R.map(() => Bool.val(false)),
      D: s.D.map(() => Bool.val(false)),
      q: ctx.Int.val(0),
    };
    const fresh: Environment = {
      ...env,
      conn: env.conn.map(() => Bool.val(false)),
      own: env.own.map((o) => o.map(() => Bool.val(false))),
      extUsers: env.extUsers.map(() => Bool.val(false)),
    };
    obligations.push({
      label: 'add preserves PS',
      assume: [...comp.axioms, ...comp.useG.map((G) => Not(G[0]!))],
      claim: ps(ctx, comp, fresh, added),
    });

    // del: c has no connection (program rule), so no other instance's PS mentions it. What other
    // instances see of c is `extUsers` / `extActive` through connections: with none, PS elsewhere is
    // independent of c's state — any state of c, before or after, gives the same PS to the rest.
    const other = genericState(ctx, comp, 'other').state;
    obligations.push({
      label: 'del preserves PS',
      assume: [...comp.axioms, ...facts, ...fresh.facts],
      claim: Implies(
        And(...fresh.extUsers.map((x) => Not(x))),
        // the part of PS about ports c provides to does not depend on c's state
        ctx.Eq(
          And(...comp.provG.map((G, q) => Implies(fresh.extUsers[q]!, activeIn(ctx, comp, G, s)))),
          And(...comp.provG.map((G, q) => Implies(fresh.extUsers[q]!, activeIn(ctx, comp, G, other)))),
        ),
      ),
    });
    return obligations;
  },
};

/** The well-formedness facts of a modified environment. */
function environmentFacts(ctx: Z3Context, env: Environment): Z3Bool[] {
  const { Implies, AtMost } = ctx;
  const facts: Z3Bool[] = [];
  env.own.forEach((o, u) => {
    if (o.length > 1) facts.push(AtMost(o as [Z3Bool, ...Z3Bool[]], 1));
    for (const x of o) facts.push(Implies(x, env.conn[u]!));
  });
  return facts;
}
