/**
 * Helpers for the explorer's tests: load a model from text (checked, or bypassing the static rules to
 * build models the loader would reject), and a brute-force enumeration of every execution.
 */
import { parse } from '../../src/grammar/parse.js';
import { buildModel } from '../../src/model/build.js';
import { rawModelOf } from '../../src/model/fromAst.js';
import { loadSource } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import {
  enabledSteps,
  isCompleted,
  psBreaches,
  startState,
  violatedInvariants,
  type Context,
  type State,
} from '../../src/semantics/index.js';

/** Loads `.cto` text through the real loader; throws with the diagnostics if it does not load. */
export function loadText(text: string, file = 'test.cto'): Model {
  const r = loadSource(text, file);
  if (r.status !== 'ok') throw new Error(r.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  return r.model;
}

/** Parses and builds `.cto` text WITHOUT the static rules of §2 (for models that only a wrong loader would let through). */
export function loadUnchecked(text: string, file = 'test.cto'): Model {
  const p = parse(text, file);
  if (p.status !== 'ok') throw new Error('syntax error in test model');
  return buildModel(rawModelOf(p.ast));
}

/** What brute force finds: for each failure key ('deadlock', 'ps', 'inv:NAME'), the shortest path length reaching it. */
export interface BruteResult {
  readonly shortest: ReadonlyMap<string, number>;
  /** Number of complete executions (paths ending in a state with no enabled step). */
  readonly executions: number;
  /** False when the path budget ran out (the result is then partial). */
  readonly complete: boolean;
}

/**
 * Depth-first enumeration of every execution (every path, no de-duplication of states). Executions are
 * finite because behaviors are acyclic and programs straight lines. Stops after `budget` visited nodes.
 */
export function bruteForce(ctx: Context, budget = 200_000): BruteResult {
  const shortest = new Map<string, number>();
  let executions = 0;
  let nodes = 0;
  const note = (k: string, d: number): void => {
    if (!shortest.has(k) || shortest.get(k)! > d) shortest.set(k, d);
  };
  const visit = (s: State, depth: number): boolean => {
    if (++nodes > budget) return false;
    for (const inv of violatedInvariants(ctx, s)) note('inv:' + inv, depth);
    if (psBreaches(ctx, s).length > 0) note('ps', depth);
    const succ = enabledSteps(ctx, s);
    if (succ.length === 0) {
      executions++;
      if (!isCompleted(ctx, s)) note('deadlock', depth);
      return true;
    }
    for (const { next } of succ) if (!visit(next, depth + 1)) return false;
    return true;
  };
  const complete = visit(startState(ctx), 0);
  return { shortest, executions, complete };
}
