/**
 * The timed reading of the reference semantics (cto-language.md §5): the untimed steps of §3, where an
 * `end θ` may only happen once θ's action has run for its duration, and every other step (instructions,
 * leave, enter, finish) takes no time and happens as soon as it is enabled (maximal progress).
 */
import { enabledSteps, type Step } from '../semantics/step.js';
import type { Context, State } from '../semantics/state.js';
import type { Transition } from '../model/types.js';

/** The key of a running action: `instance.transition` (R(c) is a set, so it runs at most once at a time). */
export function actionKey(instance: string, transition: string): string {
  return `${instance}.${transition}`;
}

/** An action a step started: one firing of a transition by an instance. */
export interface Started {
  /** `instance.transition`. */
  readonly key: string;
  /** The instance. */
  readonly instance: string;
  /** The transition. */
  readonly transition: Transition;
  /** 1-based: how many times this instance has started this transition so far, this one included. */
  readonly occurrence: number;
}

/** An enabled step of the untimed semantics with the actions it starts (a `leave` starts `Out_b(π)`). */
export interface UntimedMove {
  /** The step. */
  readonly step: Step;
  /** The state after it. */
  readonly next: State;
  /** The actions it starts (only a `leave` starts any). */
  readonly started: readonly Started[];
}

/**
 * The enabled steps of `s` with the actions each starts; `fired` counts earlier firings per action key.
 * The caller decides which `end` steps are due.
 */
export function untimedMoves(ctx: Context, s: State, fired: ReadonlyMap<string, number>): UntimedMove[] {
  return enabledSteps(ctx, s).map(({ step, next }) => {
    if (step.kind !== 'leave') return { step, next, started: [] };
    const before = new Set(s.instances.get(step.instance)!.running);
    const comp = ctx.model.componentByName.get(s.instances.get(step.instance)!.type)!;
    const started = next.instances
      .get(step.instance)!
      .running.filter((t) => !before.has(t))
      .map((t) => {
        const key = actionKey(step.instance, t);
        return { key, instance: step.instance, transition: comp.transitionByName.get(t)!, occurrence: (fired.get(key) ?? 0) + 1 };
      });
    return { step, next, started };
  });
}

/** The action key an `end` step ends, or undefined for other steps. */
export function endedKey(step: Step): string | undefined {
  return step.kind === 'end' ? actionKey(step.instance, step.transition) : undefined;
}

/** `fired` with one more firing for each started action. */
export function countFirings(fired: ReadonlyMap<string, number>, started: readonly Started[]): ReadonlyMap<string, number> {
  if (started.length === 0) return fired;
  const out = new Map(fired);
  for (const s of started) out.set(s.key, s.occurrence);
  return out;
}
