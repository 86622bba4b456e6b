/**
 * Shared checks of the fast explorer's tests: compare a fast verdict with the reference one, and replay
 * a verdict's traces through the reference semantics.
 */
import type { Model } from '../../../src/model/types.js';
import type { Verdict } from '../../../src/explore/verdict.js';
import { applyStep, contextFor, enabledSteps, isDeadlock, psBreaches, startState, stateKey, violatedInvariants, type Step } from '../../../src/semantics/index.js';

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

/** The keys of every reachable state of the reference semantics in which no step is enabled. */
export function referenceTerminals(model: Model, program: string, limit = 50_000): Set<string> | undefined {
  const ctx = contextFor(model, program);
  const seen = new Set<string>();
  const out = new Set<string>();
  const queue = [startState(ctx)];
  seen.add(stateKey(queue[0]!));
  while (queue.length > 0) {
    const s = queue.pop()!;
    const succ = enabledSteps(ctx, s);
    if (succ.length === 0) out.add(stateKey(s));
    for (const { next } of succ) {
      const k = stateKey(next);
      if (seen.has(k)) continue;
      if (seen.size >= limit) return undefined;
      seen.add(k);
      queue.push(next);
    }
  }
  return out;
}

/** The reference state keys at the end of the given traces (each replayed from the start state). */
export function keysAfter(model: Model, program: string, traces: readonly (readonly Step[])[]): Set<string> {
  const ctx = contextFor(model, program);
  const out = new Set<string>();
  for (const t of traces) {
    let s = startState(ctx);
    for (const step of t) {
      const r = applyStep(ctx, s, step);
      if (!r.ok) throw new Error(`trace step ${JSON.stringify(step)} does not apply: ${r.why}`);
      s = r.next;
    }
    out.add(stateKey(s));
  }
  return out;
}
