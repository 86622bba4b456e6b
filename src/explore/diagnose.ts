/**
 * Why a deadlock state cannot move (cto-language.md §4 "for a deadlock, what each blocked instance waits
 * for"): per non-idle instance, each step it would take and the guard that stops it, read off the reference
 * semantics' `candidates`; and the blocking instruction that never returns, with its reason.
 */
import type { Instr } from '../model/types.js';
import {
  candidates,
  currentInstr,
  isIdle,
  type Blocker,
  type Candidate,
  type Context,
  type State,
} from '../semantics/index.js';
import { activePorts, instrText } from './describe.js';

/** What stops one instance that still has a behavior to run. */
export interface InstanceBlockage {
  /** The instance. */
  readonly instance: string;
  /** Its current behavior. */
  readonly behavior: string;
  /** One sentence per step it cannot take, e.g. "db cannot leave `running`: …". */
  readonly reasons: readonly string[];
}

/** The blocking instruction (or program end) the program counter is stuck at. */
export interface StuckInstruction {
  /** The program it belongs to. */
  readonly program: string;
  /** Its index (the program's length for the implicit final `waitAll`). */
  readonly pc: number;
  /** The instruction as written, or `end of program`. */
  readonly text: string;
  /** Its source line, when it is a written instruction. */
  readonly line?: number;
  /** Why it never returns, e.g. "db is not idle (…)". */
  readonly reason: string;
}

/** The diagnosis of a deadlock state. */
export interface DeadlockDiagnosis {
  /** The instances with pending behaviors, by name. */
  readonly instances: readonly InstanceBlockage[];
  /** The instruction that never returns. */
  readonly instruction: StuckInstruction;
}

/** Where an instance's tokens are, in words: "in `running`", "in `a`, running t", "waiting at the filled dock of t", "idle, in `v2`". */
export function whereIs(s: State, instance: string): string {
  const inst = s.instances.get(instance);
  if (!inst) return 'not live';
  const parts: string[] = [];
  if (inst.marked.length) parts.push(`in ${inst.marked.map((p) => '`' + p + '`').join(', ')}`);
  if (inst.running.length) parts.push(`running ${inst.running.join(', ')}`);
  if (inst.docks.length) parts.push(`waiting at the filled dock${inst.docks.length > 1 ? 's' : ''} of ${inst.docks.join(', ')}`);
  if (parts.length === 0) parts.push('holding no token');
  return (isIdle(inst) ? 'idle, ' : '') + parts.join(', ');
}

function blockerText(ctx: Context, s: State, c: string, cand: Candidate, b: Blocker): string {
  const what =
    cand.step.kind === 'leave' ? `leave \`${cand.step.place}\`` : cand.step.kind === 'enter' ? `enter \`${cand.step.place}\`` : cand.step.kind;
  const head = `${c} cannot ${what}`;
  switch (b.kind) {
    case 'providerInUse':
      return `${head}: provide port \`${b.port}\` is used by ${b.connection.user}.${b.connection.usePort}, which is active (${b.connection.user} is ${whereIs(s, b.connection.user)})`;
    case 'useUnconnected':
      return `${head}: use port \`${b.port}\` is not connected`;
    case 'providerInactive':
      return `${head}: use port \`${b.port}\` is connected to ${b.connection.provider}.${b.connection.providePort}, which is inactive (${b.connection.provider} is ${whereIs(s, b.connection.provider)})`;
    default:
      return `${head}: ${JSON.stringify(b)}`;
  }
}

/** The reasons instance `c` (not idle) cannot move in `s`. */
function instanceReasons(ctx: Context, s: State, c: string, cands: readonly Candidate[]): string[] {
  const inst = s.instances.get(c)!;
  const bName = inst.queue[0]!;
  const b = ctx.model.componentByName.get(inst.type)!.behaviorByName.get(bName)!;
  const reasons: string[] = [];
  for (const cand of cands) {
    if (cand.step.kind === 'instr' || cand.step.instance !== c) continue;
    for (const bl of cand.blockers) reasons.push(blockerText(ctx, s, c, cand, bl));
  }
  // Joins that wait for a dock that is not filled: no candidate exists for them at all.
  const docks = new Set(inst.docks);
  for (const [place, ins] of b.in) {
    if (!ins.some((t) => docks.has(t)) || ins.every((t) => docks.has(t))) continue;
    const missing = ins.filter((t) => !docks.has(t));
    const never = missing.every((t) => !inst.running.includes(t) && !inst.marked.includes(b.transitions.find((x) => x.name === t)!.source));
    reasons.push(
      `${c} cannot enter \`${place}\`: the join waits for the dock${missing.length > 1 ? 's' : ''} of ${missing.join(', ')}, which ${
        missing.length > 1 ? 'are' : 'is'
      } ${never ? 'never' : 'not'} filled (behavior ${bName})`,
    );
  }
  if (reasons.length === 0) reasons.push(`${c} has behavior ${bName} pending but no step it could take (${whereIs(s, c)})`);
  return reasons;
}

function notIdleText(s: State, names: readonly string[]): string {
  return names.map((n) => `${n} is not idle (behavior \`${s.instances.get(n)!.queue[0]}\` is pending, ${n} is ${whereIs(s, n).replace(/^idle, /, '')})`).join('; ');
}

function stuckInstruction(ctx: Context, s: State): StuckInstruction {
  const prog = ctx.chain[s.stage]!;
  const instr: Instr | undefined = currentInstr(ctx, s);
  const busy = [...s.instances.keys()].sort().filter((n) => !isIdle(s.instances.get(n)!));
  if (!instr) {
    return { program: prog.name, pc: s.pc, text: 'end of program', ...(prog.end ? { line: prog.end.line } : {}), reason: notIdleText(s, busy) };
  }
  const text = instrText(instr);
  const base = { program: prog.name, pc: s.pc, text, line: instr.span.line };
  switch (instr.op) {
    case 'wait':
    case 'del':
      return { ...base, reason: notIdleText(s, [instr.instance]) };
    case 'waitAll':
      return { ...base, reason: notIdleText(s, busy) };
    case 'dcon':
      return {
        ...base,
        reason: `use port ${instr.user}.${instr.usePort} stays active (${instr.user} is ${whereIs(s, instr.user)}; active ports: ${activePorts(ctx, s, instr.user).join(', ')})`,
      };
    default:
      return { ...base, reason: 'it is not enabled' };
  }
}

/** The diagnosis of a deadlock state `s`: what each non-idle instance waits for, and which instruction never returns. */
export function diagnoseDeadlock(ctx: Context, s: State): DeadlockDiagnosis {
  const cands = candidates(ctx, s);
  const instances: InstanceBlockage[] = [];
  for (const name of [...s.instances.keys()].sort()) {
    const inst = s.instances.get(name)!;
    if (isIdle(inst)) continue;
    instances.push({ instance: name, behavior: inst.queue[0]!, reasons: instanceReasons(ctx, s, name, cands) });
  }
  return { instances, instruction: stuckInstruction(ctx, s) };
}

/** The diagnosis as lines of text: the instruction first, then each blocked instance's reasons. */
export function diagnosisLines(d: DeadlockDiagnosis): string[] {
  return [stuckLine(d.instruction), ...d.instances.flatMap((i) => i.reasons)];
}

/** One sentence for the instruction that never returns, e.g. "wait(server) at line 12 of program deploy never returns: …". */
export function stuckLine(i: StuckInstruction): string {
  const at = i.line !== undefined ? ` at line ${i.line}` : '';
  const what = i.text === 'end of program' ? `the end of program ${i.program}${at} (an implicit waitAll())` : `${i.text}${at} of program ${i.program}`;
  return `${what} never returns: ${i.reason}`;
}
