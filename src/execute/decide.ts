/**
 * The executor's decisions, as pure functions over the reference semantics (src/semantics): which step
 * to take now given which actions have finished, which actions a step starts, where a program starts,
 * and the state a journal leads to. No I/O here; `executor.ts` does it.
 *
 * Execution is the semantics of cto-language.md §3 under the timing of §5: an `end θ` step happens when
 * θ's action has finished successfully on its host; every other step is taken as soon as it is enabled.
 */
import { applyStep, candidates, isCompleted, type Step } from '../semantics/step.js';
import type { Context, State } from '../semantics/state.js';
import type { JournalEvent } from './journal.js';

/** The key of a running action: `instance.transition` (a transition runs at most once at a time per instance, as `R(c)` is a set). */
export function actionKey(instance: string, transition: string): string {
  return `${instance}.${transition}`;
}

/**
 * The next step to take in `s`: an enabled `end θ` whose action is in `finished` (keys `instance.transition`)
 * first, else the first enabled step that is not an `end`; undefined when nothing can happen until an
 * action finishes (or ever). Steps other than `end` take no time (§5), so the executor takes them all
 * before waiting.
 */
export function pickStep(ctx: Context, s: State, finished: ReadonlySet<string>): { readonly step: Step; readonly next: State } | undefined {
  let other: { step: Step; next: State } | undefined;
  for (const c of candidates(ctx, s)) {
    if (c.blockers.length > 0) continue;
    if (c.step.kind === 'end') {
      if (finished.has(actionKey(c.step.instance, c.step.transition))) return { step: c.step, next: c.next };
    } else if (!other) other = { step: c.step, next: c.next };
  }
  return other;
}

/** The actions a step starts: for a `leave`, the transitions it adds to `R(c)` (`Out_b(π)`); none otherwise. */
export function actionsStarted(before: State, after: State, step: Step): { readonly instance: string; readonly transition: string }[] {
  if (step.kind !== 'leave') return [];
  const was = new Set(before.instances.get(step.instance)?.running ?? []);
  return (after.instances.get(step.instance)?.running ?? []).filter((t) => !was.has(t)).map((transition) => ({ instance: step.instance, transition }));
}

/** A run in which every action finishes the moment it starts: its steps and the state it stops in. */
export interface InstantRun {
  /** The steps taken, in order. */
  readonly steps: readonly Step[];
  /** The state it stopped in. */
  readonly final: State;
}

/**
 * Runs from `s` with instant actions until `stop(state)` holds or nothing is enabled. Deterministic: the
 * same inputs give the same steps (used for `--dry-run`, for the hand-over state, and in tests).
 */
export function runInstantly(ctx: Context, s: State, stop: (s: State) => boolean = (x) => isCompleted(ctx, x)): InstantRun {
  const steps: Step[] = [];
  let st = s;
  while (!stop(st)) {
    const running = new Set([...st.instances].flatMap(([n, i]) => i.running.map((t) => actionKey(n, t))));
    const p = pickStep(ctx, st, running);
    if (!p) break;
    steps.push(p.step);
    st = p.next;
  }
  return { steps, final: st };
}

/**
 * Where the checked program starts when its `after` chain is not run again: the state in which the chain
 * hands over to it, reached with instant actions (the chain's commands are not run). Undefined if the
 * chain does not hand over (it deadlocks).
 */
export function handoverState(ctx: Context, start: State): State | undefined {
  const last = ctx.chain.length - 1;
  const r = runInstantly(ctx, start, (x) => x.stage === last);
  return r.final.stage === last ? r.final : undefined;
}

/** How a journaled action stands: its id, and whether it finished. */
export interface ActionStatus {
  /** `instance.transition#n`: the n-th time that transition of that instance started (1-based). */
  readonly id: string;
  /** The instance. */
  readonly instance: string;
  /** The transition. */
  readonly transition: string;
  /** `finished` (succeeded), `failed`, `started` (no outcome journaled) or `notStarted` (its step was journaled, its start was not). */
  readonly status: 'finished' | 'failed' | 'started' | 'notStarted';
}

/** The state a journal leads to, the running actions and how each stands, and the step/occurrence counters. */
export interface Rebuilt {
  /** The state after the journaled steps. */
  readonly state: State;
  /** Number of journaled steps. */
  readonly steps: number;
  /** The actions in `R(c)` of that state, with their journaled status. */
  readonly running: readonly ActionStatus[];
  /** How many times each `instance.transition` has started (for the next id). */
  readonly occurrences: ReadonlyMap<string, number>;
}

/**
 * Replays a journal's steps from `start` through the reference semantics and reads how each running action
 * stands. Errors (a step that does not replay) say which one: the journal is not of this program.
 */
export function rebuild(ctx: Context, start: State, events: readonly JournalEvent[]): { ok: true; value: Rebuilt } | { ok: false; why: string } {
  let s = start;
  let steps = 0;
  const occurrences = new Map<string, number>();
  const outcome = new Map<string, 'finished' | 'failed' | 'started'>();
  for (const e of events) {
    if (e.event === 'step') {
      if (e.seq !== steps) return { ok: false, why: `step ${e.seq} found where step ${steps} was expected` };
      const r = applyStep(ctx, s, e.step);
      if (!r.ok) return { ok: false, why: `step ${e.seq} (${JSON.stringify(e.step)}) does not replay: ${r.why}` };
      for (const a of actionsStarted(s, r.next, e.step)) {
        const k = actionKey(a.instance, a.transition);
        occurrences.set(k, (occurrences.get(k) ?? 0) + 1);
      }
      s = r.next;
      steps++;
    } else if (e.event === 'actionStarted') outcome.set(e.id, 'started');
    else if (e.event === 'actionFinished') outcome.set(e.id, 'finished');
    else if (e.event === 'actionFailed') outcome.set(e.id, 'failed');
  }
  const running: ActionStatus[] = [];
  for (const [instance, inst] of [...s.instances].sort(([a], [b]) => a.localeCompare(b))) {
    for (const transition of inst.running) {
      const id = `${actionKey(instance, transition)}#${occurrences.get(actionKey(instance, transition)) ?? 0}`;
      running.push({ id, instance, transition, status: outcome.get(id) ?? 'notStarted' });
    }
  }
  return { ok: true, value: { state: s, steps, running, occurrences } };
}
