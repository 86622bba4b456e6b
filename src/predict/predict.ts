/**
 * `predict`: how long a program takes under the timing model of cto-language.md §5, read as Concerto's
 * performance model reads it (critical path, behavior spans), plus what Concerto does not see: every
 * outcome of simultaneous steps, and the best and worst case over interval durations.
 */
import type { Duration, Model } from '../model/types.js';
import { contextFor, type Context, type State } from '../semantics/state.js';
import { startState } from '../semantics/step.js';
import { analyse, type RunAnalysis } from './analysis.js';
import { allHi, allLo, assigned, hasIntervals, undurated, type DurationOf } from './durations.js';
import { BudgetExceeded, restingNode, TimedExplorer, type Outcome, type TimedRun } from './explore.js';
import { intervalExtremes, type Extreme, type IntervalResult } from './interval.js';

/** Options of `predict`. */
export interface PredictOptions {
  /** The interval of a transition with no `duration` (default 0, as §5 says). */
  readonly defaultDuration?: Duration;
  /** Most timed states per exploration before giving up (default 200 000). */
  readonly budget?: number;
  /** Most symbolic branches of the interval search (default 20 000). */
  readonly intervalBudget?: number;
}

/** The outcomes of one fixed choice of durations, and the run behind the one shown. */
export interface FixedTiming {
  /** Every distinct outcome over the orders of simultaneous steps: completions (by time), then deadlocks. */
  readonly outcomes: readonly Outcome[];
  /** The run shown: the latest completion, or if none completes the earliest deadlock. */
  readonly run: TimedRun;
  /** Its dependency-graph reading. */
  readonly analysis: RunAnalysis;
  /** The longest completion, if any run completes (ms). */
  readonly makespan?: number;
  /** `analysis.sequential / makespan`, when the makespan is positive. */
  readonly speedup?: number;
}

/** Interval durations: the worst and best case over all choices, and whether the worst is an anomaly. */
export interface IntervalTiming {
  /** The search result (extremes with their assignments). */
  readonly search: IntervalResult;
  /** The worst case's own run, replayed with its durations (the other firings at their lower bound). */
  readonly worstRun?: FixedTiming;
  /** A timing anomaly: the worst case is not the all-upper-bounds makespan (or the best not the all-lower). */
  readonly anomaly: boolean;
}

/** The prediction for one program. */
export type Prediction =
  /** The program was timed. */
  | {
      readonly status: 'ok';
      /** The program. */
      readonly program: string;
      /** Transitions without `duration`, as `Component.transition` (they take the default, 0 unless given). */
      readonly undurated: readonly string[];
      /** Durations as written (each interval at its lower end when durations are intervals). */
      readonly lo: FixedTiming;
      /** With intervals: every action at its upper end. */
      readonly hi?: FixedTiming;
      /** With intervals: best and worst over all choices. */
      readonly interval?: IntervalTiming;
    }
  /** The programs it comes `after` deadlock in some order before it starts. */
  | { readonly status: 'prefixDeadlock'; readonly program: string; readonly at: number }
  /** An exploration exceeded its budget. */
  | { readonly status: 'bound'; readonly program: string; readonly budget: number };

/** The states in which the checked program starts: the `after` chain's completions (normally one). */
function handovers(ctx: Context, durationOf: DurationOf, budget: number): { states: State[]; deadlockAt?: number } {
  const last = ctx.chain.length - 1;
  const start = startState(ctx);
  if (start.stage === last) return { states: [start] };
  const ex = new TimedExplorer(ctx, durationOf, (s) => s.stage === last, budget);
  const found = new Map<string, State>();
  const outcomes = ex.outcomes(restingNode(start));
  const dl = outcomes.find((o) => o.status === 'deadlock');
  if (dl) return { states: [], deadlockAt: dl.at };
  // Collect the distinct hand-over states (each completion's final state).
  for (const o of outcomes) {
    const run = ex.runTo(restingNode(start), o);
    found.set(JSON.stringify([...run.final.instances].sort()), run.final);
  }
  return { states: [...found.values()] };
}

function timeFixed(ctx: Context, starts: readonly State[], durationOf: DurationOf, budget: number): FixedTiming {
  let best: { ex: TimedExplorer; start: State; outcome: Outcome } | undefined;
  const all = new Map<string, Outcome>();
  for (const s of starts) {
    const ex = new TimedExplorer(ctx, durationOf, undefined, budget);
    for (const o of ex.outcomes(restingNode(s))) {
      all.set(`${o.status}:${o.at}`, o);
      const better =
        !best ||
        (o.status === 'completed' && (best.outcome.status === 'deadlock' || o.at > best.outcome.at)) ||
        (o.status === 'deadlock' && best.outcome.status === 'deadlock' && o.at < best.outcome.at);
      if (better) best = { ex, start: s, outcome: o };
    }
  }
  const outcomes = [...all.values()].sort((a, b) => (a.status === b.status ? a.at - b.at : a.status === 'completed' ? -1 : 1));
  const run = best!.ex.runTo(restingNode(best!.start), best!.outcome);
  const analysis = analyse(ctx, run);
  const completions = outcomes.filter((o) => o.status === 'completed');
  const makespan = completions.length > 0 ? Math.max(...completions.map((o) => o.at)) : undefined;
  return {
    outcomes,
    run,
    analysis,
    ...(makespan !== undefined && { makespan }),
    ...(makespan !== undefined && makespan > 0 && { speedup: analysis.sequential / makespan }),
  };
}

/**
 * The timing of `programName` under one fixed choice of durations: every distinct outcome over the orders
 * of simultaneous steps (times from the program's first instruction), the run of the latest completion
 * and its analysis. Undefined `prefixDeadlockAt` means the `after` chain always hands over. Throws
 * `BudgetExceeded` past `budget` timed states.
 */
export function predictFixed(
  model: Model,
  programName: string,
  durationOf: DurationOf,
  budget = 200_000,
): { readonly status: 'ok'; readonly timing: FixedTiming } | { readonly status: 'prefixDeadlock'; readonly at: number } {
  const ctx = contextFor(model, programName);
  const h = handovers(ctx, durationOf, budget);
  if (h.deadlockAt !== undefined) return { status: 'prefixDeadlock', at: h.deadlockAt };
  return { status: 'ok', timing: timeFixed(ctx, h.states, durationOf, budget) };
}

/**
 * Predicts the timing of `programName` of `model` (§5): outcomes under the durations as written (at
 * their lower ends, and also at their upper ends and over all choices when some are intervals).
 */
export async function predict(model: Model, programName: string, options: PredictOptions = {}): Promise<Prediction> {
  const fallback = options.defaultDuration ?? { lo: 0, hi: 0 };
  const budget = options.budget ?? 200_000;
  const ctx = contextFor(model, programName);
  const missing = undurated(model);
  try {
    const h = handovers(ctx, allLo(fallback), budget);
    if (h.deadlockAt !== undefined) return { status: 'prefixDeadlock', program: programName, at: h.deadlockAt };
    const lo = timeFixed(ctx, h.states, allLo(fallback), budget);
    if (!hasIntervals(model, fallback)) return { status: 'ok', program: programName, undurated: missing, lo };
    const hi = timeFixed(ctx, h.states, allHi(fallback), budget);
    let search: IntervalResult | undefined;
    for (const s of h.states) {
      const r = await intervalExtremes(ctx, s, fallback, options.intervalBudget);
      if (!search) search = r;
      else {
        search = {
          status: r.status === 'bound' || search.status === 'bound' ? 'bound' : 'complete',
          branches: search.branches + r.branches,
          ...pick('worst', search, r, (a, b) => a.makespan > b.makespan),
          ...pick('best', search, r, (a, b) => a.makespan < b.makespan),
          ...pick('deadlock', search, r, (a, b) => a.makespan < b.makespan),
        };
      }
    }
    const worstRun = search!.worst ? timeFixed(ctx, h.states, assigned(search!.worst.assignment, fallback), budget) : undefined;
    const anomaly =
      (search!.worst !== undefined && hi.makespan !== undefined && search!.worst.makespan > hi.makespan + 1e-9) ||
      (search!.best !== undefined && lo.outcomes.some((o) => o.status === 'completed') &&
        search!.best.makespan < Math.min(...lo.outcomes.filter((o) => o.status === 'completed').map((o) => o.at)) - 1e-9);
    return {
      status: 'ok',
      program: programName,
      undurated: missing,
      lo,
      hi,
      interval: { search: search!, ...(worstRun && { worstRun }), anomaly },
    };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { status: 'bound', program: programName, budget: e.budget };
    throw e;
  }
}

function pick<K extends 'worst' | 'best' | 'deadlock'>(
  k: K,
  a: IntervalResult,
  b: IntervalResult,
  better: (x: Extreme, y: Extreme) => boolean,
): Partial<Record<K, Extreme>> {
  const x = a[k];
  const y = b[k];
  const v = x && y ? (better(y, x) ? y : x) : (x ?? y);
  return v ? ({ [k]: v } as Partial<Record<K, Extreme>>) : {};
}
