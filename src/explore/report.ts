/**
 * Verdicts made readable: every counterexample replayed through the reference semantics (a trace is
 * evidence only if it replays), with per step what changed, the failing state, and why it fails.
 * This is the data behind both the text output of `cto verify` and its `--json` (spec/trace-json.md).
 */
import { formatExpr } from '../model/format.js';
import type { PropertyResult } from '../smt/induction.js';
import type { Expr, Model } from '../model/types.js';
import {
  applyStep,
  contextFor,
  evalExpr,
  psBreaches,
  startState,
  type Context,
  type State,
  type Step,
} from '../semantics/index.js';
import { activePorts, diffStates, stepSpan, stepText } from './describe.js';
import { diagnoseDeadlock, type DeadlockDiagnosis } from './diagnose.js';
import type { FileStatus, FileVerdict } from './engines.js';
import type { BoundKind, Stats, Verdict, Violation, ViolationKind, WaitReport } from './verdict.js';

/** The version tag of the JSON document. */
export const TRACE_FORMAT = 'cto-verify/1';

/** One step of a counterexample. */
export interface TraceStep {
  /** The step, as the reference semantics names it (replayable). */
  readonly step: Step;
  /** The step in words: the instruction as written, or `instance.leave(place)` etc. */
  readonly text: string;
  /** The source line of the instruction (or of the transition / behavior the step concerns), if any. */
  readonly line?: number;
  /** What the step changed, one line per instance or connection. */
  readonly changes: readonly string[];
}

/** One live instance in a state, for display. */
export interface InstanceView {
  readonly name: string;
  readonly type: string;
  readonly marked: readonly string[];
  readonly running: readonly string[];
  readonly docks: readonly string[];
  readonly queue: readonly string[];
  readonly activePorts: readonly string[];
}

/** A state for display. */
export interface StateView {
  /** The running program of the chain. */
  readonly program: string;
  /** Its program counter. */
  readonly pc: number;
  /** The next instruction as written, or `end of program`. */
  readonly next: string;
  /** Live instances by name order. */
  readonly instances: readonly InstanceView[];
  /** Connections as `user.port -> provider.port`. */
  readonly connections: readonly string[];
}

/** A violation with its replayed counterexample. */
export interface ViolationReport {
  readonly kind: ViolationKind;
  /** For `invariant`: its name. */
  readonly invariant?: string;
  /** The steps from the empty assembly to the failing state. */
  readonly steps: readonly TraceStep[];
  /** The failing state. */
  readonly state: StateView;
  /** For ps / invariant: what is false, one line each (the failing atoms or port-safety breaches). */
  readonly failing: readonly string[];
  /** For deadlock: what each blocked instance waits for, and which instruction never returns. */
  readonly diagnosis?: DeadlockDiagnosis;
}

/** The verdict of one program, ready to print or serialize. */
export interface ProgramReport {
  readonly program: string;
  /** The `after` chain, first program first, ending with `program`. */
  readonly chain: readonly string[];
  readonly engine: string;
  readonly status: Verdict['status'];
  /** The bound that stopped the exploration, if one did. */
  readonly bound?: BoundKind;
  readonly stats: Stats;
  readonly waits: readonly WaitReport[];
  /** Shortest first; the first is the primary violation. */
  readonly violations: readonly ViolationReport[];
  /**
   * What k-induction decided about the safety properties when bounded model checking was cut short (z3
   * engine only), one line per property, e.g. `ps: proved for every reachable state (1-inductive)`.
   */
  readonly induction?: readonly string[];
}

/** The whole `cto verify --json` document. */
export interface VerifyReport {
  readonly format: typeof TRACE_FORMAT;
  readonly file: string;
  readonly status: FileStatus;
  readonly programs: readonly ProgramReport[];
}

/** Replays `trace` from the chain's start state; returns every state visited, or where and why it stops. */
export function replay(
  ctx: Context,
  trace: readonly Step[],
): { readonly ok: true; readonly states: readonly State[] } | { readonly ok: false; readonly states: readonly State[]; readonly at: number; readonly why: string } {
  const states: State[] = [startState(ctx)];
  for (let i = 0; i < trace.length; i++) {
    const r = applyStep(ctx, states[i]!, trace[i]!);
    if (!r.ok) return { ok: false, states, at: i, why: r.why };
    states.push(r.next);
  }
  return { ok: true, states };
}

/** A state for display. */
export function stateView(ctx: Context, s: State): StateView {
  const prog = ctx.chain[s.stage]!;
  const instr = prog.instrs[s.pc];
  return {
    program: prog.name,
    pc: s.pc,
    next: instr ? stepText(ctx, { kind: 'instr', stage: s.stage, pc: s.pc }) : 'end of program',
    instances: [...s.instances.keys()].sort().map((name) => {
      const i = s.instances.get(name)!;
      return { name, type: i.type, marked: i.marked, running: i.running, docks: i.docks, queue: i.queue, activePorts: activePorts(ctx, s, name) };
    }),
    connections: s.connections.map((c) => `${c.user}.${c.usePort} -> ${c.provider}.${c.providePort}`),
  };
}

function atoms(e: Expr): Expr[] {
  switch (e.kind) {
    case 'and':
    case 'or':
    case 'implies':
      return [...atoms(e.left), ...atoms(e.right)];
    case 'not':
      return atoms(e.operand);
    default:
      return [e];
  }
}

/** What is false in a failing state: the invariant and its atoms' values, or the port-safety breaches. */
export function failingLines(ctx: Context, s: State, v: Violation): string[] {
  if (v.kind === 'invariant') {
    const inv = ctx.model.invariants.find((i) => i.name === v.invariant);
    if (!inv) return [`invariant ${v.invariant} is false`];
    const seen = new Set<string>();
    const lines = [`invariant ${inv.name} (line ${inv.span.line}) is false: ${formatExpr(inv.expr)}`];
    for (const a of atoms(inv.expr)) {
      const t = formatExpr(a);
      if (seen.has(t)) continue;
      seen.add(t);
      lines.push(`  ${t}: ${evalExpr(ctx, s, a)}`);
    }
    return lines;
  }
  if (v.kind === 'ps') {
    return psBreaches(ctx, s).map((b) =>
      b.connection
        ? `port safety: use port ${b.instance}.${b.usePort} is active but its provider ${b.connection.provider}.${b.connection.providePort} is inactive`
        : `port safety: use port ${b.instance}.${b.usePort} is active but not connected`,
    );
  }
  return [];
}

/** Replays and explains one violation. Throws if the trace does not replay (an engine bug, never the user's). */
export function violationReport(ctx: Context, v: Violation): ViolationReport {
  const r = replay(ctx, v.trace);
  if (!r.ok) throw new Error(`internal error: the ${v.kind} counterexample does not replay at step ${r.at + 1}: ${r.why}`);
  const steps = v.trace.map((step, i) => {
    const span = stepSpan(ctx, r.states[i]!, step);
    return { step, text: stepText(ctx, step), ...(span ? { line: span.line } : {}), changes: diffStates(ctx, r.states[i]!, r.states[i + 1]!) };
  });
  const last = r.states[r.states.length - 1]!;
  return {
    kind: v.kind,
    ...(v.invariant !== undefined ? { invariant: v.invariant } : {}),
    steps,
    state: stateView(ctx, last),
    failing: failingLines(ctx, last, v),
    ...(v.kind === 'deadlock' ? { diagnosis: diagnoseDeadlock(ctx, last) } : {}),
  };
}

/** The report of one program's verdict. */
export function programReport(model: Model, v: Verdict): ProgramReport {
  const ctx = contextFor(model, v.program);
  return {
    program: v.program,
    chain: ctx.chain.map((p) => p.name),
    engine: v.engine,
    status: v.status,
    ...(v.status === 'bound' ? { bound: v.bound } : v.status === 'violation' && v.bound ? { bound: v.bound } : {}),
    stats: v.stats,
    waits: v.status === 'bound' ? [] : v.waits,
    violations: v.status === 'violation' ? v.violations.map((x) => violationReport(ctx, x)) : [],
    ...inductionLines(v),
  };
}

/** The z3 engine's k-induction results, if the verdict carries them, in words. */
function inductionLines(v: Verdict): { induction?: string[] } {
  const ind = (v as Verdict & { induction?: { results: readonly PropertyResult[] } }).induction;
  if (!ind) return {};
  return {
    induction: ind.results.map((r) => {
      const name = r.property === 'ps' ? 'port safety (PS)' : `invariant ${r.property.replace(/^inv:/, '')}`;
      if (r.status === 'proved') {
        return `${name}: proved for every reachable state (${r.by === 'induction' ? `${r.k}-inductive` : `every execution ends within ${r.k} steps`})`;
      }
      if (r.status === 'violated') return `${name}: violated (${r.trace.length} steps)`;
      return `${name}: not decided (${r.why === 'time' ? 'time ran out' : `not k-inductive up to k = ${r.k}`})`;
    }),
  };
}


/** The report of a whole file. */
export function verifyReport(model: Model, fv: FileVerdict): VerifyReport {
  return { format: TRACE_FORMAT, file: model.file, status: fv.status, programs: fv.verdicts.map((v) => programReport(model, v)) };
}
