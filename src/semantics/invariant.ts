/**
 * Invariant expressions evaluated in a state (cto-language.md §1 `Expr`, §2 last rule): an atom about an
 * instance that is not live, or whose type lacks the named place or port, is false.
 */
import type { Expr } from '../model/types.js';
import { isActive } from './ports.js';
import type { Context, State } from './state.js';

/** The truth value of `e` in state `s`. */
export function evalExpr(ctx: Context, s: State, e: Expr): boolean {
  switch (e.kind) {
    case 'and':
      return evalExpr(ctx, s, e.left) && evalExpr(ctx, s, e.right);
    case 'or':
      return evalExpr(ctx, s, e.left) || evalExpr(ctx, s, e.right);
    case 'implies':
      return !evalExpr(ctx, s, e.left) || evalExpr(ctx, s, e.right);
    case 'not':
      return !evalExpr(ctx, s, e.operand);
    case 'in':
      return s.instances.get(e.instance)?.marked.includes(e.place) ?? false;
    case 'active':
      return isActive(ctx, s, e.instance, e.port);
    case 'idle': {
      const inst = s.instances.get(e.instance);
      return inst !== undefined && inst.queue.length === 0;
    }
  }
}

/** The names of the model's invariants that are false in `s`, in declaration order. */
export function violatedInvariants(ctx: Context, s: State): string[] {
  return ctx.model.invariants.filter((inv) => !evalExpr(ctx, s, inv.expr)).map((inv) => inv.name);
}
