/**
 * Exhaustive timed exploration with fixed durations (cto-language.md §5): every order of the steps
 * enabled at the same instant, memoised on the state plus what is left of each running action.
 * Returns every distinct outcome (completion or deadlock, and when), and replays a run for any of them.
 */
import type { Step } from '../semantics/step.js';
import { isCompleted } from '../semantics/step.js';
import { stateKey, type Context, type State } from '../semantics/state.js';
import type { DurationOf } from './durations.js';
import { countFirings, endedKey, untimedMoves, type Started } from './timed.js';

/** How one possible run ends: the checked program completes, or no step can ever happen again. */
export type Outcome =
  /** The program completed `at` milliseconds after the exploration started. */
  | { readonly status: 'completed'; readonly at: number }
  /** No step is enabled and no action runs, `at` milliseconds after the start, before completion. */
  | { readonly status: 'deadlock'; readonly at: number };

/** A state of the timed system: a state of §3 plus the time left to each running action. */
export interface TimedNode {
  /** The untimed state. */
  readonly state: State;
  /** Milliseconds left to each running action, by `instance.transition`. */
  readonly remaining: ReadonlyMap<string, number>;
  /** Firings so far per `instance.transition` (durations may differ per firing). */
  readonly fired: ReadonlyMap<string, number>;
}

/** One step of a timed run, at the time it happens. */
export interface TimedEvent {
  /** The step of §3. */
  readonly step: Step;
  /** When it happens, in milliseconds from the start of the run. */
  readonly time: number;
  /** The state before it. */
  readonly before: State;
  /** The state after it. */
  readonly after: State;
  /** The actions it starts, with their durations. */
  readonly started: readonly (Started & { readonly duration: number })[];
}

/** A timed run: its events in order, and how it ends. */
export interface TimedRun {
  /** The steps, in the order they happen. */
  readonly events: readonly TimedEvent[];
  /** How the run ends. */
  readonly outcome: Outcome;
  /** The state it ends in. */
  readonly final: State;
}

/** The exploration went past its budget of timed states. */
export class BudgetExceeded extends Error {
  /** @param budget the number of timed states allowed. */
  constructor(readonly budget: number) {
    super(`more than ${budget} timed states`);
  }
}

interface Move {
  readonly step: Step;
  readonly next: TimedNode;
  readonly started: readonly (Started & { readonly duration: number })[];
}

function nodeKey(n: TimedNode): string {
  const rem = [...n.remaining].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
  const fired = [...n.fired].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
  return `${stateKey(n.state)}|${rem}|${fired}`;
}

function outcomeKey(o: Outcome): string {
  return `${o.status === 'completed' ? 'c' : 'd'}:${o.at}`;
}

function shift(o: Outcome, by: number): Outcome {
  return { status: o.status, at: o.at + by };
}

/**
 * The timed system of a context under fixed durations: `done(s)` says when a run has reached its goal
 * (completion of the checked program, or the hand-over to it).
 */
export class TimedExplorer {
  private readonly memo = new Map<string, readonly Outcome[]>();

  /**
   * @param ctx the context (model and `after` chain).
   * @param durationOf the duration of each firing.
   * @param done whether a state is the goal (default: the checked program has completed).
   * @param budget the most timed states to explore before giving up with `BudgetExceeded`.
   */
  constructor(
    private readonly ctx: Context,
    private readonly durationOf: DurationOf,
    private readonly done: (s: State) => boolean = (s) => isCompleted(ctx, s),
    private readonly budget = 200_000,
  ) {}

  /** The zero-time moves of `n`: enabled instructions, leave, enter, finish, and the ends that are due. */
  moves(n: TimedNode): Move[] {
    const out: Move[] = [];
    for (const m of untimedMoves(this.ctx, n.state, n.fired)) {
      const ended = endedKey(m.step);
      if (ended !== undefined && n.remaining.get(ended) !== 0) continue;
      let remaining = n.remaining;
      const started = m.started.map((s) => ({ ...s, duration: this.durationOf(s.instance, s.transition, s.occurrence) }));
      if (ended !== undefined || started.length > 0) {
        const r = new Map(remaining);
        if (ended !== undefined) r.delete(ended);
        for (const s of started) r.set(s.key, s.duration);
        remaining = r;
      }
      out.push({ step: m.step, started, next: { state: m.next, remaining, fired: countFirings(n.fired, m.started) } });
    }
    return out;
  }

  /** Time to the next action end of a node with no zero-time move, and the node after that much time. */
  advance(n: TimedNode): { delta: number; next: TimedNode } | undefined {
    if (n.remaining.size === 0) return undefined;
    const delta = Math.min(...n.remaining.values());
    const remaining = new Map([...n.remaining].map(([k, v]) => [k, v - delta] as const));
    return { delta, next: { ...n, remaining } };
  }

  /** Every distinct outcome of the runs from `n`, times relative to `n`, sorted by status then time. */
  outcomes(n: TimedNode): readonly Outcome[] {
    const key = nodeKey(n);
    const hit = this.memo.get(key);
    if (hit) return hit;
    if (this.memo.size >= this.budget) throw new BudgetExceeded(this.budget);
    let result: Outcome[];
    if (this.done(n.state)) result = [{ status: 'completed', at: 0 }];
    else {
      const moves = this.moves(n);
      if (moves.length > 0) {
        const all = new Map<string, Outcome>();
        for (const m of moves) for (const o of this.outcomes(m.next)) all.set(outcomeKey(o), o);
        result = [...all.values()];
      } else {
        const adv = this.advance(n);
        result = adv ? this.outcomes(adv.next).map((o) => shift(o, adv.delta)) : [{ status: 'deadlock', at: 0 }];
      }
    }
    result.sort((a, b) => (a.status === b.status ? a.at - b.at : a.status === 'completed' ? -1 : 1));
    this.memo.set(key, result);
    return result;
  }

  /** How many timed states the exploration has visited. */
  get visited(): number {
    return this.memo.size;
  }

  /** A run from `n` ending in `target` (one of `outcomes(n)`): at each point the first move that can still reach it. */
  runTo(n: TimedNode, target: Outcome): TimedRun {
    const events: TimedEvent[] = [];
    let node = n;
    let time = 0;
    const want = outcomeKey(target);
    for (;;) {
      if (this.done(node.state) || (target.status === 'deadlock' && time === target.at && this.moves(node).length === 0 && node.remaining.size === 0)) {
        return { events, outcome: target, final: node.state };
      }
      const moves = this.moves(node);
      if (moves.length > 0) {
        const m = moves.find((x) => this.outcomes(x.next).some((o) => outcomeKey(shift(o, time)) === want));
        if (!m) throw new Error('runTo: the target outcome is not reachable');
        events.push({ step: m.step, time, before: node.state, after: m.next.state, started: m.started });
        node = m.next;
      } else {
        const adv = this.advance(node);
        if (!adv) throw new Error('runTo: the target outcome is not reachable');
        time += adv.delta;
        node = adv.next;
      }
    }
  }
}

/** The timed node of a state in which no action runs (a start or hand-over state). */
export function restingNode(s: State): TimedNode {
  return { state: s, remaining: new Map(), fired: new Map() };
}
