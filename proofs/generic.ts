/**
 * A *generic* control component in Z3: every structural fact is a symbol, not a given model. For a
 * size (places, transitions, use ports, provide ports), the source and target of every transition,
 * which transitions belong to the current behavior `b`, and which places each port is bound to are all
 * unknowns, constrained only by the static rules of cto-language.md §2 (a transition's source and
 * target differ; `b` is acyclic, witnessed by a rank that grows along its transitions). A lemma proved
 * over this component holds for every component of that size (and every smaller one: unused places and
 * transitions are simply never marked or in `b`).
 *
 * The step functions below are §3's component steps, written once more over symbols, with the same
 * premises, effects and guards as src/semantics/step.ts.
 */
import type { Z3Bool, Z3Context, Z3Int } from '../src/smt/z3.js';

/** How big the generic component is. */
export interface Sizes {
  /** Number of places. */
  readonly places: number;
  /** Number of transitions (of all behaviors). */
  readonly transitions: number;
  /** Number of use ports. */
  readonly usePorts: number;
  /** Number of provide ports. */
  readonly providePorts: number;
}

/** The default size of the lemmas: every component with up to 5 places, 6 transitions, 2 use and 2 provide ports. */
export const DEFAULT_SIZES: Sizes = { places: 5, transitions: 6, usePorts: 2, providePorts: 2 };

/** How a port's group takes in transitions: §3 (`both-ends`) or a deliberately wrong reading for tests. */
export type GroupRule = 'both-ends' | 'source-only';

/** A component whose structure is unknown. */
export interface GenericComponent {
  /** Its size. */
  readonly sizes: Sizes;
  /** `src[θ][π]`: transition θ leaves place π (exactly one π per θ). */
  readonly src: readonly (readonly Z3Bool[])[];
  /** `tgt[θ][π]`: transition θ enters place π (exactly one π per θ). */
  readonly tgt: readonly (readonly Z3Bool[])[];
  /** `inB[θ]`: θ belongs to the current behavior `b`. */
  readonly inB: readonly Z3Bool[];
  /** A rank of the places that grows along every transition of `b` (the acyclicity witness). */
  readonly rank: readonly Z3Int[];
  /** `useG[u][π]`: place π is bound to use port u. */
  readonly useG: readonly (readonly Z3Bool[])[];
  /** `provG[q][π]`: place π is bound to provide port q. */
  readonly provG: readonly (readonly Z3Bool[])[];
  /** The static rules, as axioms. */
  readonly axioms: readonly Z3Bool[];
  /** How groups take in transitions. */
  readonly groupRule: GroupRule;
}

/** Options of `genericComponent`. */
export interface ComponentOptions {
  /** Drop the acyclicity axiom (to see a lemma that needs it fail). */
  readonly cyclic?: boolean;
  /** The group rule (default §3's `both-ends`). */
  readonly groupRule?: GroupRule;
}

function exactlyOne(ctx: Z3Context, xs: readonly Z3Bool[]): Z3Bool {
  return ctx.PbEq(xs as [Z3Bool, ...Z3Bool[]], xs.map(() => 1) as [number, ...number[]], 1);
}

/** Exactly one of `xs` is true. */
export function oneHot(ctx: Z3Context, xs: readonly Z3Bool[]): Z3Bool {
  return exactlyOne(ctx, xs);
}

/** A fresh generic component named `name` (names keep several components of one formula apart). */
export function genericComponent(ctx: Z3Context, name: string, sizes: Sizes, opts: ComponentOptions = {}): GenericComponent {
  const { Bool, Int, And, Not, Implies } = ctx;
  const P = [...Array(sizes.places).keys()];
  const T = [...Array(sizes.transitions).keys()];
  const src = T.map((t) => P.map((p) => Bool.const(`${name}_src_${t}_${p}`)));
  const tgt = T.map((t) => P.map((p) => Bool.const(`${name}_tgt_${t}_${p}`)));
  const inB = T.map((t) => Bool.const(`${name}_inB_${t}`));
  const rank = P.map((p) => Int.const(`${name}_rank_${p}`));
  const useG = [...Array(sizes.usePorts).keys()].map((u) => P.map((p) => Bool.const(`${name}_useG_${u}_${p}`)));
  const provG = [...Array(sizes.providePorts).keys()].map((q) => P.map((p) => Bool.const(`${name}_provG_${q}_${p}`)));
  const axioms: Z3Bool[] = [];
  for (const t of T) {
    axioms.push(exactlyOne(ctx, src[t]!), exactlyOne(ctx, tgt[t]!));
    for (const p of P) axioms.push(Not(And(src[t]![p]!, tgt[t]![p]!))); // source ≠ target
  }
  for (const p of P) axioms.push(rank[p]!.ge(0), rank[p]!.lt(sizes.places));
  if (!opts.cyclic) {
    for (const t of T) for (const p of P) for (const r of P) {
      if (p !== r) axioms.push(Implies(And(inB[t]!, src[t]![p]!, tgt[t]![r]!), rank[p]!.lt(rank[r]!)));
    }
  }
  return { sizes, src, tgt, inB, rank, useG, provG, axioms, groupRule: opts.groupRule ?? 'both-ends' };
}

/** The local state of one instance: `M`, `R`, `D` as Booleans per place / transition, and the queue length. */
export interface GenericState {
  /** `M(c)`: marked places. */
  readonly M: readonly Z3Bool[];
  /** `R(c)`: running transitions. */
  readonly R: readonly Z3Bool[];
  /** `D(c)`: filled docks. */
  readonly D: readonly Z3Bool[];
  /** `|Q(c)|`: number of queued behaviors (the head is `b`). */
  readonly q: Z3Int;
}

/** A fresh, arbitrary local state of `comp` (queue length ≥ 0). */
export function genericState(ctx: Z3Context, comp: GenericComponent, name: string): { state: GenericState; facts: Z3Bool[] } {
  const { Bool, Int } = ctx;
  const state: GenericState = {
    M: [...Array(comp.sizes.places).keys()].map((p) => Bool.const(`${name}_M_${p}`)),
    R: [...Array(comp.sizes.transitions).keys()].map((t) => Bool.const(`${name}_R_${t}`)),
    D: [...Array(comp.sizes.transitions).keys()].map((t) => Bool.const(`${name}_D_${t}`)),
    q: Int.const(`${name}_q`),
  };
  return { state, facts: [state.q.ge(0)] };
}

/** Whether transition θ lies in the group of the port bound to places `G` (§3: both ends in `G`). */
export function inGroup(ctx: Z3Context, comp: GenericComponent, G: readonly Z3Bool[], t: number): Z3Bool {
  const { And, Or } = ctx;
  const P = [...G.keys()];
  const fromG = Or(...P.map((p) => And(comp.src[t]![p]!, G[p]!)));
  const intoG = Or(...P.map((p) => And(comp.tgt[t]![p]!, G[p]!)));
  return comp.groupRule === 'both-ends' ? And(fromG, intoG) : fromG;
}

/** §3: a port bound to `G` is active when a marked place, running transition or filled dock lies in its group. */
export function activeIn(ctx: Z3Context, comp: GenericComponent, G: readonly Z3Bool[], s: GenericState): Z3Bool {
  const { And, Or } = ctx;
  return Or(
    ...s.M.map((m, p) => And(m, G[p]!)),
    ...s.R.map((r, t) => And(Or(r, s.D[t]!), inGroup(ctx, comp, G, t))),
  );
}

/** The component step kinds of §3. */
export type StepKind = 'leave' | 'end' | 'enter' | 'finish';

/** All four, in §3's order. */
export const STEP_KINDS: readonly StepKind[] = ['leave', 'end', 'enter', 'finish'];

/** A step of unknown argument: its premise over the pre-state, the post-state, and the facts on its choice. */
export interface GenericStep {
  /** Which rule. */
  readonly kind: StepKind;
  /** The structural premise of the rule (guards excluded). */
  readonly pre: Z3Bool;
  /** The state after the step. */
  readonly post: GenericState;
  /** Facts on the step's symbolic argument (one place or one transition is chosen). */
  readonly facts: readonly Z3Bool[];
}

/**
 * Rule `kind` of §3 applied to `s` with a symbolic argument named `name`: leave/enter a chosen place,
 * end a chosen transition, finish `b`. The argument is any place/transition satisfying the premise.
 */
export function genericStep(ctx: Z3Context, comp: GenericComponent, s: GenericState, kind: StepKind, name: string): GenericStep {
  const { And, Or, Not } = ctx;
  const P = [...Array(comp.sizes.places).keys()];
  const T = [...Array(comp.sizes.transitions).keys()];
  // The argument is place 0 / transition 0. No generality is lost: the structure is symbolic, so every
  // place (transition) of every component of this size can be renamed to be number 0.
  const place = P.map((p) => ctx.Bool.val(p === 0));
  const trans = T.map((t) => ctx.Bool.val(t === 0));
  const busy = s.q.ge(1); // b exists: the queue is not empty
  const outOf = (p: number): Z3Bool => Or(...T.map((t) => And(comp.inB[t]!, comp.src[t]![p]!)));
  switch (kind) {
    case 'leave': {
      // rule 1: π ∈ M, Out_b(π) ≠ ∅; M −= π, R += Out_b(π)
      const started = (t: number): Z3Bool => And(comp.inB[t]!, Or(...P.map((p) => And(place[p]!, comp.src[t]![p]!))));
      return {
        kind,
        pre: And(busy, Or(...P.map((p) => And(place[p]!, s.M[p]!, outOf(p))))),
        post: { M: P.map((p) => And(s.M[p]!, Not(place[p]!))), R: T.map((t) => Or(s.R[t]!, started(t))), D: s.D, q: s.q },
        facts: [],
      };
    }
    case 'end':
      // rule 2: θ ∈ R; R −= θ, D += θ
      return {
        kind,
        pre: And(busy, Or(...T.map((t) => And(trans[t]!, s.R[t]!)))),
        post: { M: s.M, R: T.map((t) => And(s.R[t]!, Not(trans[t]!))), D: T.map((t) => Or(s.D[t]!, trans[t]!)), q: s.q },
        facts: [],
      };
    case 'enter': {
      // rule 3: In_b(π) ≠ ∅, In_b(π) ⊆ D; D −= In_b(π), M += π
      const into = (t: number): Z3Bool => And(comp.inB[t]!, Or(...P.map((p) => And(place[p]!, comp.tgt[t]![p]!))));
      return {
        kind,
        pre: And(busy, Or(...T.map(into)), And(...T.map((t) => ctx.Implies(into(t), s.D[t]!)))),
        post: { M: P.map((p) => Or(s.M[p]!, place[p]!)), R: s.R, D: T.map((t) => And(s.D[t]!, Not(into(t)))), q: s.q },
        facts: [],
      };
    }
    case 'finish':
      // rule 4: R = D = ∅ and no marked place has an outgoing transition in b; pop b
      return {
        kind,
        pre: And(busy, ...T.map((t) => And(Not(s.R[t]!), Not(s.D[t]!))), ...P.map((p) => Not(And(s.M[p]!, outOf(p))))),
        post: { M: s.M, R: s.R, D: s.D, q: s.q.sub(1) },
        facts: [],
      };
  }
}

/** Two local states are equal. */
export function sameState(ctx: Z3Context, a: GenericState, b: GenericState): Z3Bool {
  const { And, Eq } = ctx;
  return And(
    ...a.M.map((x, i) => Eq(x, b.M[i]!)),
    ...a.R.map((x, i) => Eq(x, b.R[i]!)),
    ...a.D.map((x, i) => Eq(x, b.D[i]!)),
    a.q.eq(b.q),
  );
}
