/**
 * `cto explain TRACE.json FILE`: replays the counterexamples of a saved `cto verify --json` /
 * `--trace-out` report through the reference semantics and prints every state. A trace is evidence only
 * if it replays: a step that is not enabled, or a last state that does not fail as the report says, is a
 * loud error (exit 2). Exit 0 when every trace replays and reproduces its failure.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode, formatDiagnostic } from '../diagnostics.js';
import { stepText } from '../explore/describe.js';
import { diagnoseDeadlock } from '../explore/diagnose.js';
import { failingLines, replay, stateView, TRACE_FORMAT } from '../explore/report.js';
import type { ViolationKind } from '../explore/verdict.js';
import { loadFile } from '../model/load.js';
import type { Model } from '../model/types.js';
import {
  contextFor,
  isDeadlock,
  psBreaches,
  violatedInvariants,
  type Context,
  type State,
  type Step,
} from '../semantics/index.js';
import { renderState } from './render.js';
import { stuckLine } from '../explore/diagnose.js';

/** A violation as read back from a JSON report (only what replay needs). */
interface SavedViolation {
  readonly kind: ViolationKind;
  readonly invariant?: string;
  readonly steps: readonly { readonly step: Step; readonly text?: string }[];
}

/** A program entry read back from a JSON report. */
interface SavedProgram {
  readonly program: string;
  readonly violations: readonly SavedViolation[];
}

/** Thrown for a trace that is not evidence; the message says why. */
class ReplayError extends Error {}

/** Reads and shape-checks a saved report. */
export function readReport(text: string): SavedProgram[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ReplayError(`not JSON: ${(e as Error).message}`);
  }
  const d = doc as { format?: unknown; programs?: unknown };
  if (d.format !== TRACE_FORMAT || !Array.isArray(d.programs)) {
    throw new ReplayError(`not a cto verify report (expected "format": "${TRACE_FORMAT}" and a "programs" array)`);
  }
  return d.programs.map((p: SavedProgram, i: number) => {
    if (typeof p?.program !== 'string' || !Array.isArray(p.violations)) throw new ReplayError(`programs[${i}] lacks "program" or "violations"`);
    for (const v of p.violations) if (!Array.isArray(v?.steps)) throw new ReplayError(`a violation of program ${p.program} has no "steps" array`);
    return p;
  });
}

/** Whether the last state fails the way the report says. */
function reproduces(ctx: Context, s: State, v: SavedViolation): boolean {
  if (v.kind === 'deadlock') return isDeadlock(ctx, s);
  if (v.kind === 'ps') return psBreaches(ctx, s).length > 0;
  return v.invariant !== undefined && violatedInvariants(ctx, s).includes(v.invariant);
}

/** Replays one violation; returns the lines to print. Throws ReplayError if it is not evidence. */
export function explainViolation(model: Model, file: string, program: string, v: SavedViolation): string[] {
  const ctx = contextFor(model, program);
  const trace = v.steps.map((s) => s.step);
  const what = v.kind === 'invariant' ? `invariant ${v.invariant}` : v.kind;
  const lines = [`program ${program}: replaying the ${what} counterexample (${trace.length} steps)`, '  0: the empty assembly'];
  const r = replay(ctx, trace);
  r.states.forEach((s, i) => {
    if (i > 0) {
      const text = stepText(ctx, trace[i - 1]!);
      const saved = v.steps[i - 1]!.text;
      if (saved !== undefined && saved !== text) {
        throw new ReplayError(`step ${i} is \`${saved}\` in the trace but \`${text}\` in ${file}: the trace was not made from this file`);
      }
      lines.push(`  ${i}: ${text}`);
    }
    lines.push(...renderState(stateView(ctx, s), '       '));
  });
  if (!r.ok) {
    throw new ReplayError(
      `step ${r.at + 1} (${JSON.stringify(trace[r.at])}) is not enabled in state ${r.at}: ${r.why}\n${lines.join('\n')}`,
    );
  }
  const last = r.states[r.states.length - 1]!;
  if (!reproduces(ctx, last, v)) throw new ReplayError(`the trace replays but its last state is not a ${what} violation`);
  lines.push(`  reproduced: ${what}`);
  if (v.kind === 'deadlock') {
    const d = diagnoseDeadlock(ctx, last);
    lines.push(`    ${stuckLine(d.instruction)}`, ...d.instances.flatMap((b) => b.reasons.map((x) => `    ${x}`)));
  } else {
    lines.push(...failingLines(ctx, last, v.invariant !== undefined ? { kind: v.kind, invariant: v.invariant, trace } : { kind: v.kind, trace }).map((l) => `    ${l}`));
  }
  return lines;
}

/** Runs `cto explain`; sets the exit code. */
export function runExplain(tracePath: string, file: string, only?: string): void {
  const loaded = loadFile(file);
  if (loaded.status === 'error') {
    for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d, d.code === 'CTO000' ? undefined : loaded.source)}\n\n`);
    process.exitCode = ExitCode.badInput;
    return;
  }
  try {
    let text: string;
    try {
      text = readFileSync(tracePath, 'utf8');
    } catch (e) {
      throw new ReplayError(`cannot read ${tracePath}: ${(e as Error).message}`);
    }
    const programs = readReport(text).filter((p) => only === undefined || p.program === only);
    const out: string[] = [];
    let n = 0;
    for (const p of programs) {
      if (!loaded.model.programByName.has(p.program)) throw new ReplayError(`${file} has no program '${p.program}'`);
      for (const v of p.violations) {
        out.push(...explainViolation(loaded.model, file, p.program, v), '');
        n++;
      }
    }
    out.push(n === 0 ? `${tracePath}: no counterexample to replay` : `${tracePath}: ${n} counterexample${n > 1 ? 's' : ''} replayed and reproduced`);
    process.stdout.write(`${out.join('\n')}\n`);
    process.exitCode = ExitCode.ok;
  } catch (e) {
    if (!(e instanceof ReplayError)) throw e;
    process.stderr.write(`cto explain: TRACE IS NOT EVIDENCE: ${e.message}\n`);
    process.exitCode = ExitCode.badInput;
  }
}

/** Registers `cto explain` on the command line. */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('replay the counterexamples of a saved `cto verify --json` report through the reference semantics, printing each state')
    .argument('<trace>', 'the JSON report (from --json or --trace-out)')
    .argument('<file>', 'the .cto file it was made from')
    .option('--program <name>', 'replay only this program\'s counterexamples')
    .action((trace: string, file: string, o: { program?: string }) => runExplain(trace, file, o.program));
}
