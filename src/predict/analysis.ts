/**
 * Reading a timed run the way Concerto's performance model does: a dependency graph of events whose
 * arcs are "became possible because of" (zero-time) and "ran for d" (an action from its leave to its end),
 * the critical path (the chain of causes back from completion), per-instance behavior spans and the
 * bars of a Gantt chart.
 */
import { enabledSteps, sameStep, type Step } from '../semantics/step.js';
import type { Context, State } from '../semantics/state.js';
import type { TimedEvent, TimedRun } from './explore.js';
import { actionKey } from './timed.js';

/** One action of a run: a transition's firing by an instance, from its leave to its end. */
export interface Bar {
  /** The instance. */
  readonly instance: string;
  /** The transition. */
  readonly transition: string;
  /** The behavior it belongs to. */
  readonly behavior: string;
  /** When it started (ms). */
  readonly start: number;
  /** When it ended (ms). */
  readonly end: number;
  /** Whether it lies on the critical path. */
  readonly critical: boolean;
}

/** When a behavior of an instance was current, first acted, and finished. */
export interface BehaviorSpan {
  /** The instance. */
  readonly instance: string;
  /** The behavior. */
  readonly behavior: string;
  /** When it became the instance's current behavior (head of its queue). */
  readonly start: number;
  /** When its first action started, if any did. */
  readonly firstAction?: number;
  /** When it finished (popped), if it did. */
  readonly end?: number;
}

/** A link of the critical path, earliest first. */
export type PathLink =
  /** A zero-time step, at `time`; `waitedFor` is set when its cause is on another instance or in the program. */
  | { readonly kind: 'step'; readonly step: Step; readonly time: number }
  /** An action that ran from `start` to `end`. */
  | { readonly kind: 'action'; readonly instance: string; readonly transition: string; readonly start: number; readonly end: number };

/** What the dependency graph of a run says. */
export interface RunAnalysis {
  /** The actions, in the order they started. */
  readonly bars: readonly Bar[];
  /** Per instance, each behavior's span, in the order they became current. */
  readonly behaviors: readonly BehaviorSpan[];
  /** The chain of causes ending in the run's last step, earliest first. */
  readonly criticalPath: readonly PathLink[];
  /** The sum of all action durations: the run's length if one action ran at a time. */
  readonly sequential: number;
}

function enabledIn(ctx: Context, s: State, step: Step): boolean {
  return enabledSteps(ctx, s).some((m) => sameStep(m.step, step));
}

/**
 * The cause of each event (index of the event that made it possible, or -1 for the start of the run):
 * for an `end`, the `leave` that started the action; for any other step, the last event before which it
 * was not enabled (under maximal progress it happened the moment that event enabled it).
 */
export function causes(ctx: Context, events: readonly TimedEvent[]): number[] {
  const out: number[] = [];
  const startedAt = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.step.kind === 'end') out.push(startedAt.get(actionKey(e.step.instance, e.step.transition)) ?? -1);
    else {
      let k = i - 1;
      while (k >= 0 && enabledIn(ctx, events[k]!.before, e.step)) k--;
      out.push(k);
    }
    for (const s of e.started) startedAt.set(s.key, i);
  });
  return out;
}

/** The dependency-graph reading of a run: bars, behavior spans, critical path, sequential time. */
export function analyse(ctx: Context, run: TimedRun): RunAnalysis {
  const { events } = run;
  const cause = causes(ctx, events);
  const onPath = new Set<number>();
  for (let i = events.length - 1; i >= 0; i = cause[i]!) onPath.add(i);

  const criticalPath: PathLink[] = [];
  const criticalActions = new Set<number>();
  const startOf = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.step.kind === 'end') {
      const key = actionKey(e.step.instance, e.step.transition);
      const s = startOf.get(key)!;
      if (onPath.has(i)) {
        criticalActions.add(i);
        criticalPath.push({ kind: 'action', instance: e.step.instance, transition: e.step.transition, start: events[s]!.time, end: e.time });
      }
    } else if (onPath.has(i)) criticalPath.push({ kind: 'step', step: e.step, time: e.time });
    for (const st of e.started) startOf.set(st.key, i);
  });

  const bars: Bar[] = [];
  const open = new Map<string, { start: number; behavior: string; index: number }>();
  const behaviors: { instance: string; behavior: string; start: number; firstAction?: number; end?: number }[] = [];
  const current = new Map<string, (typeof behaviors)[number]>();
  const noteHeads = (s: State, time: number): void => {
    for (const [name, inst] of s.instances) {
      const head = inst.queue[0];
      const cur = current.get(name);
      if (head !== undefined && cur === undefined) {
        const span = { instance: name, behavior: head, start: time };
        behaviors.push(span);
        current.set(name, span);
      }
    }
  };
  if (events.length > 0) noteHeads(events[0]!.before, 0);
  events.forEach((e, i) => {
    const st = e.step;
    if (st.kind === 'finish') {
      const span = current.get(st.instance);
      if (span) span.end = e.time;
      current.delete(st.instance);
    }
    if (st.kind === 'leave') {
      const span = current.get(st.instance);
      if (span && span.firstAction === undefined) span.firstAction = e.time;
    }
    for (const s of e.started) open.set(s.key, { start: e.time, behavior: s.transition.behavior, index: bars.length });
    if (st.kind === 'end') {
      const key = actionKey(st.instance, st.transition);
      const o = open.get(key)!;
      bars.push({ instance: st.instance, transition: st.transition, behavior: o.behavior, start: o.start, end: e.time, critical: criticalActions.has(i) });
      open.delete(key);
    }
    noteHeads(e.after, e.time);
  });
  bars.sort((a, b) => a.start - b.start || a.end - b.end);
  const sequential = bars.reduce((acc, b) => acc + (b.end - b.start), 0);
  return { bars, behaviors, criticalPath, sequential };
}
