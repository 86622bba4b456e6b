/**
 * Best and worst makespan over every choice of durations within their intervals (cto-language.md §5),
 * exactly: a symbolic timed exploration whose times are linear expressions over one variable per firing
 * of an interval action. Each time advance branches on which running action ends next, each instant on
 * every order of its steps (an action whose end may coincide with the instant is one more step there);
 * Z3 (linear real arithmetic) decides which branches some assignment allows, and at each completed leaf
 * Optimize finds the largest and smallest makespan over the closure of the branch's region (its boundary
 * points are ties, where every order — this branch's included — is a possible outcome).
 */
import { isCompleted } from '../semantics/step.js';
import { stateKey, type Context, type State } from '../semantics/state.js';
import { z3Context, type Z3Context } from '../smt/z3.js';
import type { Duration } from '../model/types.js';
import { firingName, intervalOf } from './durations.js';
import { countFirings, endedKey, untimedMoves } from './timed.js';

/** A linear expression over firing variables: `c + Σ coeff·var`, in milliseconds. */
interface Lin {
  readonly c: number;
  readonly t: ReadonlyMap<string, number>;
}

/** A makespan and a per-firing duration assignment (by `firingName`, ms) that produces it. */
export interface Extreme {
  /** The makespan, in milliseconds. */
  readonly makespan: number;
  /** The durations of the interval firings that produce it (fixed firings are omitted). */
  readonly assignment: ReadonlyMap<string, number>;
}

/** What the interval search found. */
export interface IntervalResult {
  /** `complete` when every branch was explored; `bound` when the budget ran out (the extremes are then only found so far). */
  readonly status: 'complete' | 'bound';
  /** The largest makespan of any completing run, and durations that produce it. */
  readonly worst?: Extreme;
  /** The smallest makespan of any completing run, and durations that produce it. */
  readonly best?: Extreme;
  /** A deadlock some choice of durations and order reaches, when, and the durations. */
  readonly deadlock?: Extreme;
  /** Branches explored. */
  readonly branches: number;
}

const lin = (c: number, t: ReadonlyMap<string, number> = new Map()): Lin => ({ c, t });
function add(a: Lin, b: Lin, k = 1): Lin {
  const t = new Map(a.t);
  for (const [v, x] of b.t) {
    const y = (t.get(v) ?? 0) + k * x;
    if (y === 0) t.delete(v);
    else t.set(v, y);
  }
  return { c: a.c + k * b.c, t };
}
const linKey = (a: Lin): string => `${a.c}${[...a.t].sort(([x], [y]) => (x < y ? -1 : 1)).map(([v, k]) => `+${k}*${v}`).join('')}`;

/**
 * The best and worst makespan from the resting state `start` (no action running) over all durations
 * within their intervals and all orders at equal instants. `fallback` is the interval of a transition
 * without `duration`. `budget` bounds the branches explored.
 */
export async function intervalExtremes(ctx: Context, start: State, fallback: Duration, budget = 20_000): Promise<IntervalResult> {
  const z = await z3Context();
  try {
    return await search(z, ctx, start, fallback, budget);
  } finally {
    // Nothing to free explicitly: the context's objects are garbage-collected with it.
  }
}

interface Node {
  readonly state: State;
  readonly ends: ReadonlyMap<string, Lin>;
  readonly fired: ReadonlyMap<string, number>;
  readonly now: Lin;
}

class Exhausted extends Error {}

async function search(z: Z3Context, ctx: Context, start: State, fallback: Duration, budget: number): Promise<IntervalResult> {
  const solver = new z.Solver();
  const vars = new Map<string, { bounds: Duration; v: ReturnType<typeof z.Real.const> }>();
  const closure: ReturnType<typeof z.Bool.val>[][] = [[]];
  let branches = 0;
  let worst: Extreme | undefined;
  let best: Extreme | undefined;
  let deadlock: Extreme | undefined;

  const expr = (a: Lin) => {
    let e = z.Real.val(a.c) as ReturnType<typeof z.Real.val> | ReturnType<typeof z.Real.const>;
    for (const [v, k] of a.t) e = e.add(vars.get(v)!.v.mul(k));
    return e;
  };
  const bounds = (a: Lin): { min: number; max: number } => {
    let min = a.c;
    let max = a.c;
    for (const [v, k] of a.t) {
      const b = vars.get(v)!.bounds;
      min += k >= 0 ? k * b.lo : k * b.hi;
      max += k >= 0 ? k * b.hi : k * b.lo;
    }
    return { min, max };
  };
  const tick = () => {
    if (++branches > budget) throw new Exhausted();
  };
  /** Runs `body` with constraints added (strict form to the solver, closed form for optimisation), if satisfiable. */
  const under = async (cs: { strict: any; closed: any }[], body: () => Promise<void>): Promise<void> => {
    tick();
    solver.push();
    closure.push(cs.map((c) => c.closed));
    try {
      for (const c of cs) solver.add(c.strict);
      if ((await solver.check()) === 'sat') await body();
    } finally {
      closure.pop();
      solver.pop();
    }
  };
  const assignmentOf = (m: any): Map<string, number> => {
    const out = new Map<string, number>();
    for (const [name, { v }] of vars) out.set(name, (m.eval(v, true) as any).asNumber());
    return out;
  };
  const optimise = async (now: Lin, dir: 'max' | 'min'): Promise<Extreme> => {
    const opt = new z.Optimize();
    for (const { bounds: b, v } of vars.values()) opt.add(v.ge(b.lo), v.le(b.hi));
    for (const level of closure) for (const c of level) opt.add(c);
    const e = expr(now);
    if (dir === 'max') opt.maximize(e);
    else opt.minimize(e);
    if ((await opt.check()) !== 'sat') throw new Error('optimise: region unexpectedly empty');
    const m = opt.model();
    return { makespan: (m.eval(e, true) as any).asNumber(), assignment: assignmentOf(m) };
  };

  const leafCompleted = async (now: Lin): Promise<void> => {
    const e = expr(now);
    for (const dir of ['max', 'min'] as const) {
      const cur = dir === 'max' ? worst : best;
      if (cur !== undefined) {
        solver.push();
        solver.add(dir === 'max' ? e.gt(cur.makespan) : e.lt(cur.makespan));
        const r = await solver.check();
        solver.pop();
        if (r !== 'sat') continue;
      }
      const found = await optimise(now, dir);
      if (dir === 'max') worst = found;
      else best = found;
    }
  };

  /** Every order of the steps of the instant `n.now`, then the time advances of each quiescent node. */
  const instant = async (n: Node, forcedHere: readonly string[], seen: Set<string>): Promise<void> => {
    const key = `${stateKey(n.state)}|${[...n.ends].map(([k, e]) => `${k}@${linKey(e)}`).sort().join(',')}|${forcedHere.slice().sort().join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (isCompleted(ctx, n.state)) return leafCompleted(n.now);
    let quiescent = true;
    for (const m of untimedMoves(ctx, n.state, n.fired)) {
      const ended = endedKey(m.step);
      let need: { strict: any; closed: any }[] = [];
      if (ended !== undefined) {
        const diff = add(n.ends.get(ended)!, n.now, -1);
        const bd = bounds(diff);
        if (diff.t.size === 0 ? diff.c > 0 : bd.min > 0) continue; // cannot end now
        if (!(diff.t.size === 0 || bd.max <= 0)) {
          const eq = expr(n.ends.get(ended)!).eq(expr(n.now));
          need = [{ strict: eq, closed: eq }];
        } else quiescent = false;
      } else quiescent = false;
      const ends = new Map(n.ends);
      if (ended !== undefined) ends.delete(ended);
      for (const s of m.started) {
        const d = intervalOf(s.transition, fallback);
        if (d.lo === d.hi) ends.set(s.key, add(n.now, lin(d.lo)));
        else {
          const name = firingName(s.instance, s.transition.name, s.occurrence);
          if (!vars.has(name)) vars.set(name, { bounds: d, v: z.Real.const(name) });
          ends.set(s.key, add(n.now, lin(0, new Map([[name, 1]]))));
        }
      }
      const next: Node = { state: m.next, ends, fired: countFirings(n.fired, m.started), now: n.now };
      const forced = ended !== undefined && need.length > 0 ? [...forcedHere, ended] : forcedHere;
      if (need.length === 0) await instant(next, forced, seen);
      else await under(need, () => instant(next, forced, seen));
    }
    if (!quiescent) return;
    if (n.ends.size === 0) {
      if (deadlock === undefined) {
        tick();
        if ((await solver.check()) === 'sat') {
          const m = solver.model();
          deadlock = { makespan: (m.eval(expr(n.now), true) as any).asNumber(), assignment: assignmentOf(m) };
        }
      }
      return;
    }
    const keys = [...n.ends.keys()].sort();
    for (let i = 0; i < keys.length; i++) {
      const theta = n.ends.get(keys[i]!)!;
      const cs: { strict: any; closed: any }[] = [];
      const gap = add(theta, n.now, -1);
      if (bounds(gap).max <= 0) continue;
      cs.push({ strict: expr(theta).gt(expr(n.now)), closed: expr(theta).ge(expr(n.now)) });
      let possible = true;
      for (let j = 0; j < keys.length && possible; j++) {
        if (j === i) continue;
        const other = n.ends.get(keys[j]!)!;
        const d = add(other, theta, -1); // must be > 0 (j < i) or ≥ 0 (j > i)
        const b = bounds(d);
        if (j < i ? b.max <= 0 : b.max < 0) possible = false;
        else if (j < i ? b.min > 0 : b.min >= 0) continue; // already implied by the bounds
        else cs.push({ strict: j < i ? expr(other).gt(expr(theta)) : expr(other).ge(expr(theta)), closed: expr(other).ge(expr(theta)) });
      }
      if (!possible) continue;
      await under(cs, () => instant({ ...n, now: theta }, [], new Set()));
    }
  };

  let status: 'complete' | 'bound' = 'complete';
  try {
    await instant({ state: start, ends: new Map(), fired: new Map(), now: lin(0) }, [], new Set());
  } catch (e) {
    if (!(e instanceof Exhausted)) throw e;
    status = 'bound';
  }
  const res: IntervalResult = { status, branches };
  return { ...res, ...(worst && { worst }), ...(best && { best }), ...(deadlock && { deadlock }) };
}
