/**
 * The reference explorer: breadth-first, explicit-state search over the reference semantics of
 * cto-language.md §3, for one program through its `after` chain (§4). States are de-duplicated by
 * `stateKey`; parent pointers give a shortest trace to every stored state. The search goes on after
 * the first violation so that it finds the shortest counterexample of each kind (and of each invariant).
 */
import type { Instr, Model } from '../model/types.js';
import {
  contextFor,
  enabledSteps,
  isCompleted,
  psBreaches,
  startState,
  stateKey,
  violatedInvariants,
  type Context,
  type State,
  type Step,
} from '../semantics/index.js';
import { instrText } from './describe.js';
import type { VerifyOptions } from './engines.js';
import type { BoundKind, Verdict, Violation, ViolationKind, WaitReport } from './verdict.js';

/** The engine name this explorer reports. */
export const REFERENCE_ENGINE = 'reference';

/** Whether an instruction blocks until something holds (`wait`, `waitAll`, `del`, `dcon`, §4). */
export function isBlockingInstr(i: Instr): boolean {
  return i.op === 'wait' || i.op === 'waitAll' || i.op === 'del' || i.op === 'dcon';
}

const KIND_ORDER: Record<ViolationKind, number> = { invariant: 0, ps: 1, deadlock: 2 };

/** Orders violations: shortest trace first; ties invariant, then ps, then deadlock; then invariant name order. */
export function compareViolations(a: Violation, b: Violation): number {
  return a.trace.length - b.trace.length || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

/**
 * The wait reports of every program of the chain (§4: a program "and the programs it comes after"),
 * first program first, from the (stage, pc) pairs reached and those where some execution deadlocks.
 */
export function waitReports(ctx: Context, reached: ReadonlySet<number>, blocked: ReadonlySet<number>): WaitReport[] {
  const reports: WaitReport[] = [];
  ctx.chain.forEach((prog, stage) => {
    const at = (pc: number): number => pcId(stage, pc);
    prog.instrs.forEach((instr, pc) => {
      if (!isBlockingInstr(instr)) return;
      reports.push({ program: prog.name, pc, line: instr.span.line, text: instrText(instr), returns: !blocked.has(at(pc)), reached: reached.has(at(pc)) });
    });
    const end = prog.instrs.length;
    // A completed non-final program hands over at once (normalize), so its end is "reached" when the next one is.
    const endReached = reached.has(at(end)) || [...reached].some((id) => Math.floor(id / 1_000_000) > stage);
    reports.push({
      program: prog.name,
      pc: end,
      ...(prog.end ? { line: prog.end.line } : {}),
      text: 'end of program',
      returns: !blocked.has(at(end)),
      reached: endReached,
    });
  });
  return reports;
}

/** A number standing for the pair (stage, pc). */
function pcId(stage: number, pc: number): number {
  return stage * 1_000_000 + pc;
}

/** Bookkeeping of one stored state: how it was first reached. */
interface Node {
  readonly parent: number;
  readonly step: Step | undefined;
  readonly depth: number;
}

/** The steps from the start to stored state `id`, following parent pointers. */
function traceTo(nodes: readonly Node[], id: number): Step[] {
  const steps: Step[] = [];
  for (let i = id; nodes[i]!.parent >= 0; i = nodes[i]!.parent) steps.push(nodes[i]!.step!);
  return steps.reverse();
}

/**
 * Explores every state reachable in the `after` chain of `programName` breadth-first and decides §4:
 * invariants and PS in every reachable state (the start state included), deadlock freedom, and, per
 * blocking instruction of the program, whether it returns on every execution.
 */
export function explore(model: Model, programName: string, opts: VerifyOptions = {}): Verdict {
  const t0 = Date.now();
  const ctx = contextFor(model, programName);
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const maxHeap = opts.maxMemoryMb !== undefined ? opts.maxMemoryMb * 1024 * 1024 : Infinity;
  const deadline = opts.timeLimitMs !== undefined ? t0 + opts.timeLimitMs : Infinity;

  const nodes: Node[] = [];
  const pending: (State | undefined)[] = [];
  const index = new Map<string, number>();
  const store = (s: State, key: string, parent: number, step: Step | undefined, depth: number): void => {
    index.set(key, nodes.length);
    nodes.push({ parent, step, depth });
    pending.push(s);
  };
  const start = startState(ctx);
  store(start, stateKey(start), -1, undefined, 0);

  /** First (hence shortest) state of each failure: key 'ps', 'deadlock' or 'inv:NAME'. */
  const found = new Map<string, { kind: ViolationKind; invariant?: string; id: number }>();
  const reached = new Set<number>();
  const blocked = new Set<number>();
  let transitions = 0;
  let depthSeen = 0;
  let bound: BoundKind | undefined;

  let head = 0;
  search: while (head < nodes.length) {
    const id = head++;
    const s = pending[id]!;
    pending[id] = undefined; // expanded states are kept only as keys
    const depth = nodes[id]!.depth;
    depthSeen = Math.max(depthSeen, depth);
    reached.add(pcId(s.stage, s.pc));

    for (const inv of violatedInvariants(ctx, s)) {
      if (!found.has('inv:' + inv)) found.set('inv:' + inv, { kind: 'invariant', invariant: inv, id });
    }
    if (!found.has('ps') && psBreaches(ctx, s).length > 0) found.set('ps', { kind: 'ps', id });
    const succ = enabledSteps(ctx, s);
    if (succ.length === 0 && !isCompleted(ctx, s)) {
      if (!found.has('deadlock')) found.set('deadlock', { kind: 'deadlock', id });
      blocked.add(pcId(s.stage, s.pc));
    }

    if (id % 1024 === 1023) {
      const now = Date.now();
      opts.onProgress?.({ states: nodes.length, transitions, depth, queue: nodes.length - head, ms: now - t0 });
      if (now > deadline) {
        bound = 'time';
        break;
      }
      if (process.memoryUsage().heapUsed > maxHeap) {
        bound = 'memory';
        break;
      }
    }

    for (const { step, next } of succ) {
      transitions++;
      const key = stateKey(next);
      if (index.has(key)) continue;
      if (depth >= maxDepth) {
        bound = 'depth'; // a new state lies beyond the depth bound: it is not explored
        continue;
      }
      if (nodes.length >= maxStates) {
        bound = 'states';
        break search;
      }
      store(next, key, id, step, depth + 1);
    }
  }

  const stats = { states: nodes.length, transitions, depth: depthSeen, ms: Date.now() - t0 };
  const violations: Violation[] = [...found.values()]
    .map((f) => ({ kind: f.kind, ...(f.invariant !== undefined ? { invariant: f.invariant } : {}), trace: traceTo(nodes, f.id) }))
    .sort(compareViolations);
  const base = { program: programName, engine: REFERENCE_ENGINE };
  if (violations.length > 0) {
    return { status: 'violation', ...base, violations, waits: waitReports(ctx, reached, blocked), stats, ...(bound ? { bound } : {}) };
  }
  if (bound) return { status: 'bound', ...base, bound, stats };
  return { status: 'verified', ...base, waits: waitReports(ctx, reached, blocked), stats };
}
