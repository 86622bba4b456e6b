/**
 * The Z3 engine: bounded model checking of §4 over the encoding of encode.ts, made complete by the
 * execution bound of layout.ts. One incremental solver holds the unrolled path `S0 → S1 → … → Sk`; at
 * each depth k it asks (under push/pop) for a state at exactly depth k that breaks a property not yet
 * seen broken (an invariant, PS), that deadlocks at a position not yet known to block, or that reaches
 * a blocking instruction not yet known to be reached; then it adds one more step. Asking depth by depth
 * gives, for each property, a shortest counterexample, like the breadth-first explorer. The search ends
 * when no path of length k+1 exists (every execution has ended) or at the execution bound; either way
 * the answer is complete. Counterexamples are read from Z3's model as reference `Step`s and replayed
 * through src/semantics before they are returned: a trace that does not replay is an internal error.
 */
import type { Model } from '../model/types.js';
import {
  applyStep,
  contextFor,
  isDeadlock,
  psBreaches,
  startState,
  violatedInvariants,
  type Context,
  type State,
  type Step,
} from '../semantics/index.js';
import type { VerifyOptions } from '../explore/engines.js';
import { compareViolations, waitReports, isBlockingInstr } from '../explore/search.js';
import type { BoundKind, Verdict, Violation, ViolationKind } from '../explore/verdict.js';
import { Encoder, natIs, type SymState, type Z3Nat } from './encode.js';
import { executionBound, layoutOf } from './layout.js';
import { z3Context, type Z3Bool } from './z3.js';
import type { InductionResult } from './induction.js';

/** The engine name the Z3 engine reports. */
export const Z3_ENGINE = 'z3';

/** How far bounded model checking went, and whether that decides §4. */
export interface BmcInfo {
  /** The longest possible execution of the chain (steps), computed from the program and the model. */
  readonly executionBound: number;
  /** The depth the unrolling reached. */
  readonly depth: number;
  /** True when every execution was covered: no path longer than `depth` exists, or `depth` reached the bound. */
  readonly complete: boolean;
  /** Satisfiability checks made. */
  readonly checks: number;
}

/**
 * A Z3 verdict: the common verdict plus what bounded model checking covered, and, when the time limit
 * cut BMC short, what k-induction proved about PS and the invariants (safety only: the status stays
 * `bound`, since deadlock-freedom is not decided).
 */
export type Z3Verdict = Verdict & { readonly bmc: BmcInfo; readonly induction?: InductionResult };

/** Options of `bmc`: the common ones, plus whether to try k-induction when the time limit cuts BMC (default true). */
export type BmcOptions = VerifyOptions & { readonly induction?: boolean };

/** The share of `timeLimitMs` bounded model checking gets when k-induction may follow (the rest is induction's). */
export const BMC_TIME_SHARE = 2 / 3;

/** The id of a `(stage, pc)` pair, as the reference explorer numbers them for its wait reports. */
function pcId(stage: number, pc: number): number {
  return stage * 1_000_000 + pc;
}

/** The value of a bit-vector numeral of a model. */
function natValue(e: unknown): number {
  return Number((e as { value(): bigint }).value());
}

/** Thrown when a Z3 counterexample does not replay through the reference semantics (an engine bug). */
export class ReplayError extends Error {}

/** Replays `trace` from the start state; throws `ReplayError` if a step is not enabled. */
export function replay(ctx: Context, trace: readonly Step[]): State {
  let s = startState(ctx);
  trace.forEach((step, i) => {
    const r = applyStep(ctx, s, step);
    if (!r.ok) throw new ReplayError(`z3 counterexample step ${i + 1} (${JSON.stringify(step)}) does not replay: ${r.why}`);
    s = r.next;
  });
  return s;
}

/** One thing the search looks for at each depth. */
interface Target {
  /** `inv:NAME`, `ps`, `dead:ID` (deadlock at a position), `reach:ID`. */
  readonly key: string;
  /** The condition on the state at the current depth. */
  readonly at: (s: SymState) => Z3Bool;
}

/**
 * Decides §4 for `programName` of `model` (through its `after` chain) by complete bounded model checking.
 * Honours `opts.timeLimitMs` and `opts.maxDepth` (then status `bound`, unless a violation was found).
 */
export async function bmc(model: Model, programName: string, opts: BmcOptions = {}): Promise<Z3Verdict> {
  const t0 = Date.now();
  const ctx = contextFor(model, programName);
  const layout = layoutOf(ctx);
  const bound = executionBound(layout);
  const z = await z3Context();
  const enc = new Encoder(z, layout);
  const tryInduction = opts.induction !== false && opts.timeLimitMs !== undefined;
  const deadline = opts.timeLimitMs !== undefined ? t0 + opts.timeLimitMs * (tryInduction ? BMC_TIME_SHARE : 1) : Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;

  // the (g, all-idle) pairs of each (stage, pc) id the wait reports ask about
  const n = layout.positions.length;
  const idsOf = new Map<number, { g: number; idle: boolean }[]>();
  for (let g = 0; g <= n; g++) {
    for (const idle of [true, false]) {
      const { stage, pc } = enc.stagePc(g, idle);
      const id = pcId(stage, pc);
      const prog = ctx.chain[stage]!;
      const interesting = pc === prog.instrs.length || pc === 0 || isBlockingInstr(prog.instrs[pc]!);
      if (!interesting) continue;
      const l = idsOf.get(id);
      if (l) l.push({ g, idle });
      else idsOf.set(id, [{ g, idle }]);
    }
  }
  const atId = (s: SymState, id: number): Z3Bool =>
    z.Or(...idsOf.get(id)!.map(({ g, idle }) => z.And(natIs(z, s.g, g), idle ? enc.allIdle(s) : z.Not(enc.allIdle(s)))));

  const targets: Target[] = [
    ...model.invariants.map((inv) => ({ key: 'inv:' + inv.name, at: (s: SymState) => z.Not(enc.expr(s, inv.expr)) })),
    { key: 'ps', at: (s: SymState) => z.Not(enc.ps(s)) },
    ...[...idsOf.keys()].map((id) => ({ key: 'dead:' + id, at: (s: SymState) => z.And(atId(s, id), enc.deadlock(s)) })),
    ...[...idsOf.keys()].map((id) => ({ key: 'reach:' + id, at: (s: SymState) => atId(s, id) })),
  ];
  const found = new Map<string, Step[]>();

  const solver = new z.Solver('QF_BV');
  const states: SymState[] = [enc.stateAt(0)];
  const sels: Z3Nat[] = [];
  solver.add(enc.initial(states[0]!));
  solver.add(enc.domain(states[0]!));
  let checks = 0;
  let depth = 0;
  let complete = false;
  let stopped: BoundKind | undefined;

  const traceFrom = (m: Awaited<ReturnType<typeof solver.model>>, k: number): Step[] => {
    const steps: Step[] = [];
    for (let t = 0; t < k; t++) {
      const sel = natValue(m.eval(sels[t]!, true));
      const g = natValue(m.eval(states[t]!.g, true));
      steps.push(enc.stepLabel(sel, g));
    }
    return steps;
  };

  /** A check within the time limit ('unknown' once it is exceeded). */
  const check = async (): Promise<'sat' | 'unsat' | 'unknown'> => {
    if (deadline !== Infinity) {
      const left = deadline - Date.now();
      if (left <= 0) return 'unknown';
      solver.set('timeout', Math.max(1, Math.floor(left)));
    }
    const r = await solver.check();
    if (r === 'unknown' && Date.now() < deadline - 50) throw new Error('z3 could not decide a bounded model checking query');
    return r;
  };

  search: for (;;) {
    const s = states[depth]!;
    // what can be seen at exactly this depth
    for (;;) {
      const open = targets.filter((t) => !found.has(t.key));
      if (open.length === 0) break;
      const conds = open.map((t) => t.at(s));
      solver.push();
      solver.add(z.Or(...conds));
      checks++;
      const r = await check();
      if (r !== 'sat') {
        solver.pop();
        if (r === 'unknown') stopped = 'time';
        break;
      }
      const m = solver.model();
      const trace = traceFrom(m, depth);
      open.forEach((t, i) => {
        if (z.isTrue(m.eval(conds[i]!, true))) found.set(t.key, trace);
      });
      solver.pop();
    }
    if (stopped) break search;
    if (depth >= bound) {
      complete = true;
      break;
    }
    if (depth >= maxDepth) {
      stopped = 'depth';
      break;
    }
    if (Date.now() > deadline) {
      stopped = 'time';
      break;
    }
    // one more step
    const next = enc.stateAt(depth + 1);
    const sel = z.BitVec.const(`sel@${depth}`, enc.selWidth);
    solver.add(enc.transition(s, next, sel));
    solver.add(enc.domain(next));
    states.push(next);
    sels.push(sel);
    checks++;
    const r = await check();
    if (r === 'unsat') {
      complete = true; // no execution is longer than `depth`
      break;
    }
    if (r === 'unknown') {
      stopped = 'time';
      break;
    }
    depth++;
  }

  // counterexamples: replay each through the reference semantics and check the failure is there
  const violations: Violation[] = [];
  for (const [key, trace] of found) {
    let kind: ViolationKind;
    let invariant: string | undefined;
    if (key.startsWith('inv:')) {
      kind = 'invariant';
      invariant = key.slice(4);
    } else if (key === 'ps') kind = 'ps';
    else if (key.startsWith('dead:')) kind = 'deadlock';
    else continue;
    const end = replay(ctx, trace);
    const fails =
      kind === 'invariant' ? violatedInvariants(ctx, end).includes(invariant!) : kind === 'ps' ? psBreaches(ctx, end).length > 0 : isDeadlock(ctx, end);
    if (!fails) throw new ReplayError(`z3 counterexample for ${key} replays to a state where it does not fail`);
    if (kind === 'deadlock' && violations.some((v) => v.kind === 'deadlock' && v.trace.length <= trace.length)) continue;
    if (kind === 'deadlock') {
      const i = violations.findIndex((v) => v.kind === 'deadlock');
      if (i >= 0) violations.splice(i, 1);
    }
    violations.push({ kind, ...(invariant !== undefined ? { invariant } : {}), trace });
  }
  violations.sort(compareViolations);
  const reached = new Set([...found.keys()].filter((k) => k.startsWith('reach:')).map((k) => Number(k.slice(6))));
  const blocked = new Set([...found.keys()].filter((k) => k.startsWith('dead:')).map((k) => Number(k.slice(5))));
  const stats = { states: 0, transitions: 0, depth, ms: Date.now() - t0 };
  const info: BmcInfo = { executionBound: bound, depth, complete, checks };
  const base = { program: programName, engine: Z3_ENGINE, bmc: info };
  if (violations.length > 0) return { status: 'violation', ...base, violations, waits: waitReports(ctx, reached, blocked), stats };
  if (!complete && stopped === 'time' && tryInduction) {
    // BMC ran out of time: try to prove the safety part for every depth with the rest of the budget
    const { proveInductive } = await import('./induction.js');
    // the rest of the budget, and at least induction's share even when building the unrolling overran it
    const left = Math.max(t0 + opts.timeLimitMs! - Date.now(), opts.timeLimitMs! * (1 - BMC_TIME_SHARE));
    const induction = await proveInductive(model, programName, { timeLimitMs: left });
    const found = induction.results.flatMap((r) =>
      r.status === 'violated' ? [{ kind: r.property === 'ps' ? ('ps' as const) : ('invariant' as const), ...(r.property === 'ps' ? {} : { invariant: r.property.slice(4) }), trace: r.trace }] : [],
    );
    const st = { ...stats, ms: Date.now() - t0 };
    if (found.length > 0) return { status: 'violation', ...base, induction, violations: found.sort(compareViolations), waits: waitReports(ctx, reached, blocked), stats: st, bound: 'time' };
    return { status: 'bound', ...base, induction, bound: 'time', stats: st };
  }
  if (!complete) return { status: 'bound', ...base, bound: stopped ?? 'depth', stats };
  return { status: 'verified', ...base, waits: waitReports(ctx, reached, blocked), stats };
}
