/**
 * Lemma `symmetry` — swapping two interchangeable instances is an automorphism of the component steps
 * of cto-language.md §3 and preserves PS, which is what the fast explorer's symmetry reduction (storing
 * one canonical representative of each state under such swaps) rests on.
 *
 * The reduction's condition. At a position g of the flattened program, instances i and j are
 * interchangeable when they are live with the same component type, have the same sequence of pushed
 * behaviors and the same number of pushes so far, no instruction from g on (nor any invariant) names
 * either, and the set of connections (user, use port, provider, provide port) is the same once i and j
 * are exchanged everywhere in it. `swap(s)` exchanges the local states (M, R, D, queue) of i and j.
 *
 * What it proves. Two generic instances A and B of ONE generic component (a single symbolic structure:
 * places, transitions, the places each port is bound to, the current behavior `b`), a third generic
 * instance C of a second generic component (any other instance of the assembly, of any type — possibly
 * A's, since its symbols are free), and an outside X standing for every further instance: X's use and
 * provide ports have an arbitrary, fixed activity (no step of A, B or C changes it, nor does the swap).
 * Connections are symbolic over every shape: each use port of A, B, C, X may be connected to at most
 * one provide port of A, B, C or X (X to X excepted: it concerns neither the steps nor the swap), and
 * the connection set is invariant under A↔B (A.u→C.q ⇔ B.u→C.q, C.u→A.q ⇔ C.u→B.q, A.u→B.q ⇔ B.u→A.q,
 * A.u→A.q ⇔ B.u→B.q, and the same with X in C's place: A.u→X.q ⇔ B.u→X.q, X.u→A.q ⇔ X.u→B.q). As a
 * use port has one provider, this leaves no other instance a user of A's or B's provide ports; Z3
 * derives that from the constraints, it is not assumed. Then, for every local state of A, B, C, with the
 * stepping place/transition symbolic, and for every step kind k ∈ {leave, end, enter, finish}:
 *   (1) `k of A ⇔ k of B under swap`: A's k-step is enabled in s (premise and guard) iff B's k-step is
 *       enabled in swap(s), and B's successor of swap(s) is swap of A's successor of s;
 *   (2) `k of B ⇔ k of A under swap`: the same from B to A. It follows from (1) since swap is an
 *       involution (apply (1) to swap(s)); it is checked anyway because it is cheap;
 *   (3) `k of C ⇔ k of C under swap`: C's k-step is enabled in s iff it is in swap(s), and the
 *       successors are swaps of each other (X has no steps here: its ports' activity is fixed);
 *   (4) `PS ⇔ PS under swap`: PS holds in s iff it holds in swap(s) — for every use port of A, B, C and
 *       every use port of X connected to A, B or C (X's other ports are untouched by the swap).
 * No hypothesis on s is assumed (not even PS): swap is an automorphism of the whole step relation.
 *
 * The current behavior. An instance's current behavior is the head of its queue, fixed by its pushed
 * sequence and how many behaviors it has finished. Interchangeable instances share the pushed sequence,
 * so the local state (which carries the queue) determines the behavior: the stepping instance runs the
 * same behavior in s and, after the swap, in swap(s). So one symbol `b` serves both sides of each
 * obligation. Guards do not depend on `b` (port activity is a matter of tokens and groups only).
 * With A and B sharing one structure, the successor halves of (1)–(3) are close to syntactic (the same
 * step function on the same local state); the substance is in the guards, which read the other
 * instances' ports through the connections, and in PS. `differentQueues` shows the successor halves do
 * check something.
 *
 * What it does not cover. (1) Instructions: the remaining program names neither instance, so it acts
 * the same on s and swap(s); and an instruction naming neither leaves the connection set's invariance
 * intact (it adds or removes only connections that the swap fixes). This argument is not mechanised.
 * (2) Invariants (they name neither instance), and the completion/deadlock predicates (every instance
 * idle, no step enabled): symmetric in the instances, not stated here. (3) Choosing the canonical
 * representative over several swaps: each swap applied at a state satisfying its condition is an
 * automorphism, so are their compositions, but the explorer's canonicalisation is not stated here.
 * (4) Components larger than the sizes checked (default 5 places, 6 transitions, 2 use and 2 provide
 * ports per component, and as many ports for X), and assemblies whose other instances' ports exceed what
 * C and X model.
 *
 * Why it matters. The reduced exploration visits one state per orbit; it is sound (loses no reachable
 * state up to swap, no PS breach, no deadlock) only if the swap maps steps to steps and PS to PS. The
 * tests weaken the condition: dropping one direction of the connection invariance (`asymmetric: 'use'`
 * — A.u→C.q no longer implies B.u→C.q) breaks `enter of A ⇔ enter of B under swap` (A's use port has a
 * provider, B's has none), and letting A and B run different behaviors (`differentQueues`) breaks leave,
 * enter and finish — but not end, whose premise ignores `b`.
 */
import type { Z3Bool, Z3Context } from '../src/smt/z3.js';
import {
  DEFAULT_SIZES,
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

/** Options: size, and ways to break the reduction's condition for tests. */
export interface SymmetryOptions {
  /** Size of each generic component (default `SYMMETRY_SIZES`); X gets as many ports. */
  readonly sizes?: Sizes;
  /**
   * Drop one direction of the connection invariance: `use` — A.u→C.q no longer implies B.u→C.q (only
   * the converse is kept); `provide` — C.u→A.q no longer implies C.u→B.q.
   */
  readonly asymmetric?: 'use' | 'provide';
  /** A and B run different current behaviors (their pushed sequences differ). */
  readonly differentQueues?: boolean;
}

/** The default size of this lemma: the shared default (the obligations are cheap even with three components). */
export const SYMMETRY_SIZES: Sizes = DEFAULT_SIZES;

/** The instances of the model: A and B (interchangeable), C (any other), X (the fixed outside). */
type Inst = 'A' | 'B' | 'C' | 'X';
const INSTS: readonly Inst[] = ['A', 'B', 'C', 'X'];
/** The swap on instance names. */
const sigma = (i: Inst): Inst => (i === 'A' ? 'B' : i === 'B' ? 'A' : i);

/** Local states of the three stepping instances (X's activity is fixed). */
interface Global {
  readonly A: GenericState;
  readonly B: GenericState;
  readonly C: GenericState;
}

/** swap(s): A and B exchange their local states. */
const swap = (s: Global): Global => ({ A: s.B, B: s.A, C: s.C });

/** The model: components, X's port activity, and the connections. */
interface Model {
  /** The component type of A (and of B). */
  readonly K: GenericComponent;
  /** B's component: K itself, or K with another current behavior (`differentQueues`). */
  readonly KB: GenericComponent;
  /** C's component type. */
  readonly L: GenericComponent;
  /** `xUse[u]`: X's use port u is active. */
  readonly xUse: readonly Z3Bool[];
  /** `xProv[q]`: X's provide port q is active. */
  readonly xProv: readonly Z3Bool[];
  /** `conn(I, u, J, q)`: I's use port u is connected to J's provide port q (false for X to X). */
  readonly conn: (i: Inst, u: number, j: Inst, q: number) => Z3Bool;
  /** Axioms of the components and of the connection set. */
  readonly facts: readonly Z3Bool[];
}

function model(ctx: Z3Context, opts: SymmetryOptions): Model {
  const { Bool, Eq, Implies, AtMost } = ctx;
  const sizes = opts.sizes ?? SYMMETRY_SIZES;
  const K = genericComponent(ctx, 'K', sizes);
  const KB: GenericComponent = opts.differentQueues
    ? { ...K, inB: K.inB.map((_, t) => Bool.const(`KB_inB_${t}`)) }
    : K;
  const L = genericComponent(ctx, 'L', sizes);
  const U = [...Array(sizes.usePorts).keys()];
  const Q = [...Array(sizes.providePorts).keys()];
  const xUse = U.map((u) => Bool.const(`X_use_${u}`));
  const xProv = Q.map((q) => Bool.const(`X_prov_${q}`));
  const table = new Map<string, Z3Bool>();
  const conn = (i: Inst, u: number, j: Inst, q: number): Z3Bool => {
    if (i === 'X' && j === 'X') return Bool.val(false);
    const key = `${i}_${u}_${j}_${q}`;
    let v = table.get(key);
    if (!v) table.set(key, (v = Bool.const(`conn_${key}`)));
    return v;
  };
  const facts: Z3Bool[] = [...K.axioms, ...L.axioms];
  for (const i of INSTS) {
    for (const u of U) {
      // a use port has at most one provider
      const targets = INSTS.flatMap((j) => Q.map((q) => conn(i, u, j, q)));
      facts.push(AtMost(targets as [Z3Bool, ...Z3Bool[]], 1));
      for (const j of INSTS) {
        for (const q of Q) {
          if (i === 'X' && j === 'X') continue;
          const here = conn(i, u, j, q);
          const there = conn(sigma(i), u, sigma(j), q);
          if (opts.asymmetric === 'use' && (i === 'A' || i === 'B') && j === 'C') {
            // only B.u→C.q ⇒ A.u→C.q is kept
            if (i === 'B') facts.push(Implies(here, there));
          } else if (opts.asymmetric === 'provide' && i === 'C' && (j === 'A' || j === 'B')) {
            // only C.u→B.q ⇒ C.u→A.q is kept
            if (j === 'B') facts.push(Implies(here, there));
          } else {
            facts.push(Eq(here, there));
          }
        }
      }
    }
  }
  return { K, KB, L, xUse, xProv, conn, facts };
}

/** The component of a stepping instance. */
const compOf = (m: Model, i: Exclude<Inst, 'X'>): GenericComponent => (i === 'A' ? m.K : i === 'B' ? m.KB : m.L);

/** Whether provide port q of instance `i` is active in `s`. */
function provActive(ctx: Z3Context, m: Model, s: Global, i: Inst, q: number): Z3Bool {
  if (i === 'X') return m.xProv[q]!;
  const c = compOf(m, i);
  return activeIn(ctx, c, c.provG[q]!, s[i]);
}

/** Whether use port u of instance `i` is active in `s`. */
function useActive(ctx: Z3Context, m: Model, s: Global, i: Inst, u: number): Z3Bool {
  if (i === 'X') return m.xUse[u]!;
  const c = compOf(m, i);
  return activeIn(ctx, c, c.useG[u]!, s[i]);
}

/** Use port u of `i` is connected to a provide port that is active in `s`. */
function hasActiveProvider(ctx: Z3Context, m: Model, s: Global, i: Inst, u: number): Z3Bool {
  const { And, Or } = ctx;
  return Or(...INSTS.flatMap((j) => m.K.provG.map((_, q) => And(m.conn(i, u, j, q), provActive(ctx, m, s, j, q)))));
}

/** Some use port connected to provide port q of `j` is active in `s`. */
function hasActiveUser(ctx: Z3Context, m: Model, s: Global, j: Inst, q: number): Z3Bool {
  const { And, Or } = ctx;
  return Or(...INSTS.flatMap((i) => m.K.useG.map((_, u) => And(m.conn(i, u, j, q), useActive(ctx, m, s, i, u)))));
}

/** §3's guard of a `kind` step of `i` from `pre` to `post` (global states; evaluated after the step). */
function guard(ctx: Z3Context, m: Model, i: Exclude<Inst, 'X'>, kind: StepKind, pre: Global, post: Global): Z3Bool {
  const { And, Not, Implies } = ctx;
  const c = compOf(m, i);
  if (kind === 'leave') {
    // a provide port made inactive has no active user
    return And(
      ...c.provG.map((_, q) =>
        Implies(And(provActive(ctx, m, pre, i, q), Not(provActive(ctx, m, post, i, q))), Not(hasActiveUser(ctx, m, post, i, q))),
      ),
    );
  }
  if (kind === 'enter') {
    // a use port made active is connected to an active provide port
    return And(
      ...c.useG.map((_, u) =>
        Implies(And(Not(useActive(ctx, m, pre, i, u)), useActive(ctx, m, post, i, u)), hasActiveProvider(ctx, m, post, i, u)),
      ),
    );
  }
  return ctx.Bool.val(true);
}

/** PS over every use port whose safety the swap can affect: those of A, B, C, and X's connected to them. */
function ps(ctx: Z3Context, m: Model, s: Global): Z3Bool {
  const { And, Or, Implies } = ctx;
  const mine = (['A', 'B', 'C'] as const).flatMap((i) =>
    compOf(m, i).useG.map((_, u) => Implies(useActive(ctx, m, s, i, u), hasActiveProvider(ctx, m, s, i, u))),
  );
  const xs = m.xUse.map((_, u) => {
    const toUs = Or(...(['A', 'B', 'C'] as const).flatMap((j) => m.K.provG.map((__, q) => m.conn('X', u, j, q))));
    return Implies(And(toUs, useActive(ctx, m, s, 'X', u)), hasActiveProvider(ctx, m, s, 'X', u));
  });
  return And(...mine, ...xs);
}

/** A step of `i` in `s`: whether it is enabled (premise and guard) and the successor. */
function step(ctx: Z3Context, m: Model, s: Global, i: Exclude<Inst, 'X'>, kind: StepKind): { enabled: Z3Bool; post: Global } {
  const st = genericStep(ctx, compOf(m, i), s[i], kind, kind);
  const post: Global = { ...s, [i]: st.post };
  return { enabled: ctx.And(st.pre, guard(ctx, m, i, kind, s, post)), post };
}

/** Two global states are equal. */
const same = (ctx: Z3Context, a: Global, b: Global): Z3Bool =>
  ctx.And(sameState(ctx, a.A, b.A), sameState(ctx, a.B, b.B), sameState(ctx, a.C, b.C));

/** The lemma: the A↔B swap maps every component step to a component step, and PS to PS. */
export const symmetry: Lemma<SymmetryOptions> = {
  name: 'symmetry',
  statement:
    'swapping two instances of one type with the same queue and swap-invariant connections maps every leave/end/enter/finish to the same step of the other instance (or of a third), and preserves PS',
  obligations(ctx, opts) {
    const { Eq, And } = ctx;
    const m = model(ctx, opts);
    const sA = genericState(ctx, m.K, 'sA');
    const sB = genericState(ctx, m.K, 'sB');
    const sC = genericState(ctx, m.L, 'sC');
    const s: Global = { A: sA.state, B: sB.state, C: sC.state };
    const t = swap(s);
    const base = [...m.facts, ...sA.facts, ...sB.facts, ...sC.facts];
    const obligations: Obligation[] = [];
    for (const kind of STEP_KINDS) {
      for (const [i, j] of [['A', 'B'], ['B', 'A'], ['C', 'C']] as const) {
        const here = step(ctx, m, s, i, kind);
        const there = step(ctx, m, t, j, kind);
        obligations.push({
          label: `${kind} of ${i} ⇔ ${kind} of ${j} under swap`,
          assume: base,
          claim: And(Eq(here.enabled, there.enabled), same(ctx, there.post, swap(here.post))),
        });
      }
    }
    obligations.push({ label: 'PS ⇔ PS under swap', assume: base, claim: Eq(ps(ctx, m, s), ps(ctx, m, t)) });
    return obligations;
  },
};
