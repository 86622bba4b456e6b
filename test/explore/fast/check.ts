/**
 * Shared checks of the fast explorer's tests: compare a fast verdict with the reference one, and replay
 * a verdict's traces through the reference semantics.
 */
import type { Model } from '../../../src/model/types.js';
import type { Verdict } from '../../../src/explore/verdict.js';
import { applyStep, contextFor, isDeadlock, psBreaches, startState, violatedInvariants } from '../../../src/semantics/index.js';

/** The verdict's observable answer: status, violation kinds (with invariant names), per-wait answers. */
export function answer(v: Verdict): unknown {
  if (v.status === 'bound') return { status: 'bound' };
  return {
    status: v.status,
    kinds: v.status === 'violation' ? v.violations.map((x) => `${x.kind}:${x.invariant ?? ''}`).sort() : [],
    waits: v.waits.map((w) => ({ pc: w.pc, text: w.text, returns: w.returns, reached: w.reached })),
  };
}

/**
 * Replays every trace of `v` from the start state with the reference `applyStep`; returns a
 * description of the first problem (a step that is not enabled, or a final state that does not show
 * the violation), or undefined if all replay.
 */
export function replayProblem(model: Model, v: Verdict): string | undefined {
  if (v.status !== 'violation') return undefined;
  const ctx = contextFor(model, v.program);
  for (const viol of v.violations) {
    let s = startState(ctx);
    for (const [k, step] of viol.trace.entries()) {
      const r = applyStep(ctx, s, step);
      if (!r.ok) return `${viol.kind}: step ${k} ${JSON.stringify(step)} does not apply: ${r.why}`;
      s = r.next;
    }
    if (viol.kind === 'deadlock' && !isDeadlock(ctx, s)) return 'deadlock trace does not end in a deadlock';
    if (viol.kind === 'ps' && psBreaches(ctx, s).length === 0) return 'ps trace does not end in a PS breach';
    if (viol.kind === 'invariant' && !violatedInvariants(ctx, s).includes(viol.invariant!)) return `invariant ${viol.invariant} holds at the end of its trace`;
  }
  return undefined;
}
