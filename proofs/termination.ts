/**
 * Lemma `termination` — every step strictly decreases a well-founded measure, so every execution of a
 * program is finite.
 *
 * What it proves. Give the state the lexicographic measure
 *   ( instructions left to run,  Σ_c |Q(c)|,  Σ_c μ(c) )
 * where, for an instance whose current behavior is `b`, the weight of a place is defined by recursion
 * along `b` (well founded because `b` is acyclic: §2),
 *   w(π) = 1 + Σ_{θ ∈ Out_b(π)} (w(tgt θ) + 2),
 * and the instance's token weight is
 *   μ(c) = Σ_{π ∈ M} w(π) + Σ_{θ ∈ R} (w(tgt θ) + 2) + Σ_{θ ∈ D} (w(tgt θ) + 1).
 * Over a generic component (structure symbolic, only §2's static rules assumed) Z3 shows:
 *   - leave, end and enter leave the queue alone and strictly decrease μ (a leave may fork one token into
 *     many running transitions, but each is worth less than the place it left; a join or a merge into a
 *     marked place only loses weight);
 *   - finish pops the queue (its length decreases, whatever μ does under the next behavior);
 *   - every instruction moves `pc` forward (even `pushB`, which grows a queue);
 *   - μ and the queue lengths are naturals, so the lexicographic order is well founded.
 * A component step changes nothing of other instances, so their parts of the sums stay put.
 *
 * Why it matters. Behaviors are acyclic, so §4 says every execution is finite and a `wait`, `waitAll`,
 * `del` or `dcon` that does not return is exactly a deadlock: the explorers report "returns" from the
 * absence of reachable deadlocks, and the Z3 engine's bounded model checking is a complete decision only
 * because executions are this finite. This lemma is the finiteness argument, checked by a machine.
 */
import type { Z3Bool, Z3Context, Z3Int } from '../src/smt/z3.js';
import {
  DEFAULT_SIZES,
  STEP_KINDS,
  genericComponent,
  genericState,
  genericStep,
  type GenericComponent,
  type GenericState,
  type Sizes,
} from './generic.js';
import type { Lemma, Obligation } from './kit.js';

/** Ways to break the lemma on purpose (tests check that the proof then fails). */
export interface TerminationOptions {
  /** Size of the generic component. */
  readonly sizes?: Sizes;
  /** Give a running transition the weight of its filled dock (then `end` no longer decreases μ). */
  readonly flatDocks?: boolean;
  /** Drop the acyclicity of behaviors (then `leave` can increase μ). */
  readonly cyclic?: boolean;
}

/** The weights of the measure: `w(π)` per place and `wt(θ) = w(tgt θ)` per transition, with their defining equations. */
export interface Weights {
  /** `w(π)`. */
  readonly place: readonly Z3Int[];
  /** `w(tgt θ)`. */
  readonly target: readonly Z3Int[];
  /** The definitions, as axioms. */
  readonly axioms: readonly Z3Bool[];
}

/**
 * `w(π) = 1 + Σ_{θ ∈ Out_b(π)} (w(tgt θ) + 2)`: a definition by recursion along `b`, which is
 * well founded exactly because `b` is acyclic (the rank of the generic component witnesses it), so a
 * solution exists and is unique, and every weight is a natural number.
 */
export function weights(ctx: Z3Context, comp: GenericComponent): Weights {
  const { Int, If, Sum, And, Implies } = ctx;
  const P = [...Array(comp.sizes.places).keys()];
  const T = [...Array(comp.sizes.transitions).keys()];
  const place = P.map((p) => Int.const(`w_${p}`));
  const target = T.map((t) => Int.const(`wt_${t}`));
  const axioms: Z3Bool[] = [];
  for (const t of T) for (const p of P) axioms.push(Implies(comp.tgt[t]![p]!, target[t]!.eq(place[p]!)));
  for (const p of P) {
    const outs = T.map((t) => If(And(comp.inB[t]!, comp.src[t]![p]!), target[t]!.add(2), 0) as Z3Int);
    axioms.push(place[p]!.eq(Sum(Int.val(1), ...outs)), place[p]!.ge(1));
  }
  return { place, target, axioms };
}

/** μ(c) of the lemma: the weight of every token of the instance. */
export function measure(ctx: Z3Context, w: Weights, s: GenericState, opts: TerminationOptions = {}): Z3Int {
  const { If, Sum, Int } = ctx;
  const running = opts.flatDocks ? 1 : 2;
  return Sum(
    Int.val(0),
    ...s.M.map((m, p) => If(m, w.place[p]!, 0) as Z3Int),
    ...s.R.map((r, t) => If(r, w.target[t]!.add(running), 0) as Z3Int),
    ...s.D.map((d, t) => If(d, w.target[t]!.add(1), 0) as Z3Int),
  );
}

/** Lexicographic `(a1, a2, a3) > (b1, b2, b3)`. */
function lexGreater(ctx: Z3Context, a: readonly Z3Int[], b: readonly Z3Int[]): Z3Bool {
  const { And, Or } = ctx;
  return Or(a[0]!.gt(b[0]!), And(a[0]!.eq(b[0]!), a[1]!.gt(b[1]!)), And(a[0]!.eq(b[0]!), a[1]!.eq(b[1]!), a[2]!.gt(b[2]!)));
}

/** The lemma: a well-founded measure decreases at every step of §3. */
export const termination: Lemma<TerminationOptions> = {
  name: 'termination',
  statement: 'the measure (instructions left, queued behaviors, token weight) strictly decreases at every step',
  obligations(ctx, opts) {
    const sizes = opts.sizes ?? DEFAULT_SIZES;
    const comp = genericComponent(ctx, 'c', sizes, { cyclic: opts.cyclic });
    const { state: s, facts } = genericState(ctx, comp, 's');
    const { Int } = ctx;
    // the rest of the system: instructions left, the other instances' queues and weights
    const left = Int.const('left');
    const otherQ = Int.const('otherQ');
    const otherMu = Int.const('otherMu');
    const env = [left.ge(0), otherQ.ge(0), otherMu.ge(0)];
    const w = weights(ctx, comp);
    const mu = measure(ctx, w, s, opts);
    const before = [left, otherQ.add(s.q), otherMu.add(mu)];
    const obligations: Obligation[] = STEP_KINDS.map((kind) => {
      const step = genericStep(ctx, comp, s, kind, kind);
      const after = [left, otherQ.add(step.post.q), otherMu.add(measure(ctx, w, step.post, opts))];
      return {
        label: `${kind} decreases the measure`,
        assume: [...comp.axioms, ...w.axioms, ...facts, ...env, ...step.facts, step.pre],
        claim: ctx.And(lexGreater(ctx, before, after), step.post.q.ge(0)),
      };
    });
    // an instruction (whatever it does to queues and tokens) moves pc forward: the first component drops
    const q2 = Int.const('q_after_instr');
    const mu2 = Int.const('mu_after_instr');
    obligations.push({
      label: 'an instruction decreases the measure',
      assume: [...comp.axioms, ...w.axioms, ...facts, ...env, left.ge(1), q2.ge(0), mu2.ge(0)],
      claim: lexGreater(ctx, before, [left.sub(1), q2, mu2]),
    });
    // the measure is a triple of naturals: well founded
    obligations.push({ label: 'the measure is a natural number', assume: [...comp.axioms, ...w.axioms, ...facts], claim: mu.ge(0) });
    return obligations;
  },
};
