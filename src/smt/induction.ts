/**
 * k-induction over the Z3 encoding (encode.ts): proves PS and each user invariant for *every* reachable
 * state of a program's `after` chain, without unrolling to the execution bound. For a property P and
 * k = 1, 2, …:
 *
 * - **base case**: no state at depth k−1 from the start state breaks P (depths < k−1 were checked at
 *   smaller k) — bounded model checking; a state that breaks P is a real violation, returned with a
 *   trace that is replayed through the reference semantics;
 * - **step case**: k consecutive states that satisfy P (and the strengthening below), each connected to
 *   the next by a step, have a successor that breaks P: unsatisfiable means P is k-inductive, hence
 *   holds in every reachable state.
 *
 * Strengthening (facts true in every reachable state, assumed in every state of the step case): the
 * encoding already makes liveness, types, connections and queue contents functions of the program
 * counter `g`; on top of that, per slot: before its `add` it is in its start state; its queue position
 * counts only pushes before `g`; a running or docked transition belongs to the slot's current behavior
 * (so an idle slot has none); an idle slot whose last behavior finished holds no token on a place that
 * behavior leaves; a deleted slot is idle. Properties already proved (PS first, then the invariants in
 * order) are assumed too. Induction decides safety only: deadlock-freedom and the wait reports need the
 * complete search of bmc.ts.
 */
import type { Model } from '../model/types.js';
import { contextFor, psBreaches, violatedInvariants, type Step } from '../semantics/index.js';
import { Encoder, natIs, transitionsOf, type SymState, type Z3Nat } from './encode.js';
import { layoutOf, type Layout } from './layout.js';
import { ReplayError, replay } from './bmc.js';
import { z3Context, type Z3Bool, type Z3Context } from './z3.js';

/** Options of `proveInductive`. */
export interface InductionOptions {
  /** The largest k tried (default 4). */
  readonly k?: number;
  /** Wall-time budget in milliseconds for all checks together (default: none). */
  readonly timeLimitMs?: number;
}

/** What k-induction concluded about one property (`ps`, or `inv:NAME`). */
export type PropertyResult =
  /** Holds in every reachable state: k-inductive (`by: 'induction'`), or every execution ended within the base case (`by: 'exhaustive'`). */
  | { readonly property: string; readonly status: 'proved'; readonly k: number; readonly by: 'induction' | 'exhaustive' }
  /** A reachable state breaks it: `trace` leads there from the start state and replays through the reference semantics. */
  | { readonly property: string; readonly status: 'violated'; readonly trace: readonly Step[] }
  /** Not decided: not k-inductive up to the largest k tried (`why: 'k'`), or the time budget ran out (`why: 'time'`). */
  | { readonly property: string; readonly status: 'unknown'; readonly k: number; readonly why: 'k' | 'time' };

/** The outcome of `proveInductive`: one result per property, PS first, then the invariants in declaration order. */
export interface InductionResult {
  /** Per property. */
  readonly results: readonly PropertyResult[];
  /** The largest k tried. */
  readonly maxK: number;
  /** Satisfiability checks made. */
  readonly checks: number;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/** The value of a bit-vector numeral of a model. */
function natValue(e: unknown): number {
  return Number((e as { value(): bigint }).value());
}

/** The facts every reachable state satisfies (see the module comment), for `s`. */
export function strengthening(z: Z3Context, enc: Encoder, layout: Layout, s: SymState): Z3Bool {
  const { And, Or, Not, Implies } = z;
  const facts: Z3Bool[] = [];
  layout.slots.forEach((slot, si) => {
    const v = s.slots[si]!;
    const type = slot.type;
    // before the add: the slot's start state
    facts.push(
      Implies(
        s.g.ule(slot.addG),
        And(...v.M.map((m, pi) => (type.places[pi] === type.initial ? m : Not(m))), ...v.R.map(Not), ...v.D.map(Not), natIs(z, v.pos, 0)),
      ),
    );
    // the position counts finished pushes, and only pushes already made
    slot.pushes.forEach((p, i) => facts.push(Implies(v.pos.ugt(i), s.g.ugt(p.g))));
    // a running or docked transition belongs to the current behavior
    const behaviorOf = type.behaviors.flatMap((b) => b.transitions.map(() => b));
    const current = (b: (typeof behaviorOf)[number]): Z3Bool =>
      Or(...slot.pushes.flatMap((p, i) => (p.behavior === b ? [And(natIs(z, v.pos, i), s.g.ugt(p.g))] : [])));
    transitionsOf(type).forEach((_, ti) => facts.push(Implies(Or(v.R[ti]!, v.D[ti]!), current(behaviorOf[ti]!))));
    // idle after a finished behavior: no token on a place that behavior leaves
    slot.pushes.forEach((p, i) => {
      const left = type.places.flatMap((pl, pi) => ((p.behavior.out.get(pl)?.length ?? 0) > 0 ? [v.M[pi]!] : []));
      if (left.length > 0) facts.push(Implies(And(enc.idle(s, si), natIs(z, v.pos, i + 1)), And(...left.map(Not))));
    });
    // deleted: idle
    if (slot.delG !== Infinity) facts.push(Implies(s.g.ugt(slot.delG), enc.idle(s, si)));
  });
  return And(...facts);
}

/**
 * Proves PS and every invariant of `model` for all reachable states of `programName` (through its
 * `after` chain) by k-induction, k = 1 … `opts.k`. Never claims more than it proved: a property is
 * `proved` only by an unsatisfiable step case with a clean base case (or an exhausted state space),
 * `violated` only with a replayed counterexample.
 */
export async function proveInductive(model: Model, programName: string, opts: InductionOptions = {}): Promise<InductionResult> {
  const t0 = Date.now();
  const maxK = Math.max(1, opts.k ?? 4);
  const deadline = opts.timeLimitMs !== undefined ? t0 + opts.timeLimitMs : Infinity;
  const ctx = contextFor(model, programName);
  const layout = layoutOf(ctx);
  const z = await z3Context();
  const enc = new Encoder(z, layout);
  const { Not, And } = z;

  const props: { key: string; holds: (s: SymState) => Z3Bool; fails: (end: ReturnType<typeof replay>) => boolean }[] = [
    { key: 'ps', holds: (s) => enc.ps(s), fails: (end) => psBreaches(ctx, end).length > 0 },
    ...model.invariants.map((inv) => ({
      key: 'inv:' + inv.name,
      holds: (s: SymState) => enc.expr(s, inv.expr),
      fails: (end: ReturnType<typeof replay>) => violatedInvariants(ctx, end).includes(inv.name),
    })),
  ];
  const results = new Map<string, PropertyResult>();
  let checks = 0;
  let outOfTime = false;

  const check = async (solver: InstanceType<Z3Context['Solver']>): Promise<'sat' | 'unsat' | 'unknown'> => {
    if (deadline !== Infinity) {
      const left = deadline - Date.now();
      if (left <= 0) return 'unknown';
      solver.set('timeout', Math.max(1, Math.floor(left)));
    }
    checks++;
    return solver.check();
  };

  // base: one path from the start state, grown one step per k
  const base = new z.Solver('QF_BV');
  const bStates: SymState[] = [enc.stateAt(0)];
  const bSels: Z3Nat[] = [];
  base.add(enc.initial(bStates[0]!), enc.domain(bStates[0]!));
  let exhausted = false; // no path from the start is longer than bStates.length - 1

  // step: a free path of strengthened states
  const step = new z.Solver('QF_BV');
  const sStates: SymState[] = [];
  const freshStep = (): void => {
    const t = sStates.length;
    const s: SymState = { ...enc.stateAt(t), g: z.BitVec.const(`ig@${t}`, enc.gWidth) };
    const renamed = renameState(z, enc, s, t);
    step.add(enc.domain(renamed), strengthening(z, enc, layout, renamed));
    for (const r of results.values()) if (r.status === 'proved') step.add(props.find((p) => p.key === r.property)!.holds(renamed));
    if (t > 0) step.add(enc.transition(sStates[t - 1]!, renamed, z.BitVec.const(`isel@${t - 1}`, enc.selWidth)));
    sStates.push(renamed);
  };
  freshStep();

  outer: for (let k = 1; k <= maxK; k++) {
    // base case at depth k-1 (the path has k states S0..S_{k-1})
    while (bStates.length < k && !exhausted) {
      const prev = bStates[bStates.length - 1]!;
      const next = enc.stateAt(bStates.length);
      const sel = z.BitVec.const(`sel@${bStates.length - 1}`, enc.selWidth);
      base.add(enc.transition(prev, next, sel), enc.domain(next));
      bStates.push(next);
      bSels.push(sel);
      const r = await check(base);
      if (r === 'unknown') {
        outOfTime = true;
        break outer;
      }
      if (r === 'unsat') {
        exhausted = true; // every execution has ended
        bStates.pop();
        bSels.pop();
      }
    }
    // the step path needs k+1 states
    while (sStates.length < k + 1) freshStep();
    for (const p of props) {
      if (results.has(p.key)) continue;
      if (Date.now() > deadline) {
        outOfTime = true;
        break outer;
      }
      // base: a state at depth k-1 that breaks p (only if the path still reaches that depth)
      if (bStates.length >= k) {
        const d = k - 1;
        base.push();
        base.add(Not(p.holds(bStates[d]!)));
        const r = await check(base);
        if (r === 'unknown') {
          base.pop();
          outOfTime = true;
          break outer;
        }
        if (r === 'sat') {
          const m = base.model();
          const trace: Step[] = [];
          for (let t = 0; t < d; t++) trace.push(enc.stepLabel(natValue(m.eval(bSels[t]!, true)), natValue(m.eval(bStates[t]!.g, true))));
          base.pop();
          const end = replay(ctx, trace);
          if (!p.fails(end)) throw new ReplayError(`k-induction counterexample for ${p.key} replays to a state where it does not fail`);
          results.set(p.key, { property: p.key, status: 'violated', trace });
          continue;
        }
        base.pop();
      }
      if (exhausted && bStates.length <= k) {
        // every state reachable from the start lies on the base path's depths < k, all checked
        results.set(p.key, { property: p.key, status: 'proved', k, by: 'exhaustive' });
        assumeProved(p.holds);
        continue;
      }
      // step: p in S0..S_{k-1}, not in S_k
      step.push();
      step.add(...sStates.slice(0, k).map((s) => p.holds(s)), Not(p.holds(sStates[k]!)));
      const r = await check(step);
      step.pop();
      if (r === 'unknown') {
        outOfTime = true;
        break outer;
      }
      if (r === 'unsat') {
        results.set(p.key, { property: p.key, status: 'proved', k, by: 'induction' });
        assumeProved(p.holds);
      }
    }
  }

  function assumeProved(holds: (s: SymState) => Z3Bool): void {
    step.add(And(...sStates.map(holds)));
  }

  return {
    results: props.map((p) => results.get(p.key) ?? { property: p.key, status: 'unknown', k: maxK, why: outOfTime ? 'time' : 'k' }),
    maxK,
    checks,
    ms: Date.now() - t0,
  };
}

/** `s` with variables named apart from the base path's (prefix `i`), so that both can live in one context. */
function renameState(z: Z3Context, enc: Encoder, s: SymState, t: number): SymState {
  const { Bool, BitVec } = z;
  return {
    g: s.g,
    slots: enc.layout.slots.map((slot, si) => ({
      M: slot.type.places.map((p) => Bool.const(`i.s${si}.M.${p}@${t}`)),
      R: transitionsOf(slot.type).map((x) => Bool.const(`i.s${si}.R.${x}@${t}`)),
      D: transitionsOf(slot.type).map((x) => Bool.const(`i.s${si}.D.${x}@${t}`)),
      pos: BitVec.const(`i.s${si}.pos@${t}`, s.slots[si]!.pos.size()),
    })),
  };
}
