/**
 * Where action durations come from (cto-language.md §5): each transition's `duration` (an interval
 * `lo..hi` in milliseconds, fixed when `lo === hi`), a missing one counting as 0 unless a default is given.
 * A *firing* is one execution of a transition's action by one instance; durations are chosen per firing.
 */
import type { Duration, Model, Transition } from '../model/types.js';

/** The duration of the `occurrence`-th firing (1-based) of `transition` by `instance`, in milliseconds. */
export type DurationOf = (instance: string, transition: Transition, occurrence: number) => number;

/** The name of a firing: `instance.transition`, with `#k` for the k-th firing when k > 1. */
export function firingName(instance: string, transition: string, occurrence: number): string {
  return occurrence > 1 ? `${instance}.${transition}#${occurrence}` : `${instance}.${transition}`;
}

/** The interval a transition's action lasts: its `duration`, or `fallback` (§5: none means 0). */
export function intervalOf(t: Transition, fallback: Duration): Duration {
  return t.duration ?? fallback;
}

/** Every firing at the lower end of its interval. */
export function allLo(fallback: Duration): DurationOf {
  return (_i, t) => intervalOf(t, fallback).lo;
}

/** Every firing at the upper end of its interval. */
export function allHi(fallback: Duration): DurationOf {
  return (_i, t) => intervalOf(t, fallback).hi;
}

/**
 * A per-firing assignment (by `firingName`), the others at the lower end of their interval: what the
 * worst-case search reports, replayable by the fixed-duration exploration.
 */
export function assigned(assignment: ReadonlyMap<string, number>, fallback: Duration): DurationOf {
  return (i, t, k) => assignment.get(firingName(i, t.name, k)) ?? intervalOf(t, fallback).lo;
}

/** The transitions of the model with no `duration`, as `Component.transition`, in declaration order. */
export function undurated(model: Model): string[] {
  return model.components.flatMap((c) => c.behaviors.flatMap((b) => b.transitions.filter((t) => !t.duration).map((t) => `${c.name}.${t.name}`)));
}

/** Whether some transition of the model has an interval (lo < hi) duration (or the fallback is one). */
export function hasIntervals(model: Model, fallback: Duration): boolean {
  return model.components.some((c) => c.behaviors.some((b) => b.transitions.some((t) => { const d = intervalOf(t, fallback); return d.lo < d.hi; })));
}

/**
 * Parses a time as written in `.cto` (`2s`, `500ms`, `1.5m`, or `lo..hi`) into milliseconds; undefined if malformed.
 */
export function parseDuration(text: string): Duration | undefined {
  const one = (s: string): number | undefined => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s.trim());
    if (!m) return undefined;
    const n = Number(m[1]);
    return Math.round(m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000);
  };
  const parts = text.split('..');
  if (parts.length === 1) {
    const v = one(parts[0]!);
    return v === undefined ? undefined : { lo: v, hi: v };
  }
  if (parts.length !== 2) return undefined;
  const lo = one(parts[0]!);
  const hi = one(parts[1]!);
  return lo === undefined || hi === undefined || lo > hi ? undefined : { lo, hi };
}
