/**
 * `cto predict FILE [--program NAME] [--gantt out.svg] [--json] [--default-duration T]`: the timing of
 * each program under cto-language.md §5 — makespan(s), critical path, behavior spans, sequential time and
 * speedup; with interval durations also all-upper-bounds and the best and worst case (with the durations
 * that produce them, and a timing-anomaly flag). Exit 0, 2 when the file does not load or on bad usage,
 * 3 when an exploration exceeds its budget.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ExitCode, formatDiagnostic } from '../diagnostics.js';
import { formatInstr } from '../model/format.js';
import { loadFile } from '../model/load.js';
import type { Model } from '../model/types.js';
import { ganttSvg, seconds } from '../predict/gantt.js';
import { parseDuration } from '../predict/durations.js';
import type { PathLink } from '../predict/analysis.js';
import type { Outcome } from '../predict/explore.js';
import type { Extreme } from '../predict/interval.js';
import { predict, type FixedTiming, type Prediction } from '../predict/predict.js';
import { shutdownZ3 } from '../smt/z3.js';

/** Options of `cto predict` as commander gives them. */
interface PredictCliOptions {
  program?: string;
  gantt?: string;
  json?: boolean;
  defaultDuration?: string;
}


function linkText(model: Model, chain: readonly string[], l: PathLink): { when: string; what: string } {
  if (l.kind === 'action') return { when: `${seconds(l.start)} → ${seconds(l.end)}`, what: `${l.instance}.${l.transition} runs ${seconds(l.end - l.start)}` };
  const s = l.step;
  const when = seconds(l.time);
  switch (s.kind) {
    case 'instr': {
      const instr = model.programByName.get(chain[s.stage]!)!.instrs[s.pc]!;
      return { when, what: `${formatInstr(instr)}  (line ${instr.span.line})` };
    }
    case 'leave':
      return { when, what: `${s.instance} leaves ${s.place}` };
    case 'enter':
      return { when, what: `${s.instance} enters ${s.place}` };
    case 'finish':
      return { when, what: `${s.instance} finishes ${s.behavior}` };
    case 'end':
      return { when, what: `${s.instance}.${s.transition} ends` };
  }
}

function chainNames(model: Model, program: string): string[] {
  const out: string[] = [];
  for (let p: string | undefined = program; p !== undefined; p = model.programByName.get(p)?.after) out.unshift(p);
  return out;
}

function outcomesText(os: readonly Outcome[]): string {
  const done = os.filter((o) => o.status === 'completed').map((o) => seconds(o.at));
  const dead = os.filter((o) => o.status === 'deadlock').map((o) => seconds(o.at));
  const parts: string[] = [];
  if (done.length === 1) parts.push(`completes at ${done[0]}`);
  else if (done.length > 1) parts.push(`completes at ${done.join(' or ')}, depending on the order of simultaneous steps`);
  if (dead.length > 0) parts.push(`${done.length > 0 ? 'some order deadlocks' : 'deadlocks'} at ${dead.join(' or ')}`);
  return parts.join('; ');
}

function assignmentText(a: ReadonlyMap<string, number>): string {
  return a.size === 0 ? 'any durations' : [...a].map(([k, v]) => `${k} = ${seconds(v)}`).join(', ');
}

function timingLines(model: Model, chain: readonly string[], t: FixedTiming): string[] {
  const lines: string[] = [];
  if (t.makespan !== undefined) {
    lines.push(`  sequential (one action at a time): ${seconds(t.analysis.sequential)}${t.speedup !== undefined ? `, speedup ${t.speedup.toFixed(2)}×` : ''}`);
  }
  lines.push(t.run.outcome.status === 'completed' ? `  critical path (run completing at ${seconds(t.run.outcome.at)}):` : `  run to the deadlock at ${seconds(t.run.outcome.at)}, chain of causes:`);
  const texts = t.analysis.criticalPath.map((l) => linkText(model, chain, l));
  const w = Math.max(0, ...texts.map((x) => x.when.length));
  for (const x of texts) lines.push(`    ${x.when.padStart(w)}  ${x.what}`);
  lines.push('  behaviors:');
  const iw = Math.max(0, ...t.analysis.behaviors.map((b) => `${b.instance}.${b.behavior}`.length));
  for (const b of t.analysis.behaviors) {
    const first = b.firstAction !== undefined && b.firstAction !== b.start ? ` (first action at ${seconds(b.firstAction)})` : '';
    lines.push(`    ${`${b.instance}.${b.behavior}`.padEnd(iw)}  ${seconds(b.start)} → ${b.end === undefined ? 'never finishes' : seconds(b.end)}${first}`);
  }
  return lines;
}

function extremeText(label: string, e: Extreme | undefined): string | undefined {
  return e && `  ${label}: ${seconds(e.makespan)} with ${assignmentText(e.assignment)}`;
}

/** The text report of one prediction. */
export function renderPrediction(model: Model, p: Prediction): string {
  if (p.status === 'prefixDeadlock') return `${p.program}: the programs it comes after deadlock in some order (at ${seconds(p.at)}); run \`cto verify\``;
  if (p.status === 'bound') return `${p.program}: no prediction: more than ${p.budget} timed states (too many orders of simultaneous steps)`;
  const chain = chainNames(model, p.program);
  const lines: string[] = [];
  if (!p.interval) {
    lines.push(`${p.program}: ${p.lo.makespan !== undefined ? `makespan ${seconds(p.lo.makespan)}` : 'does not complete'}`);
    lines.push(`  outcomes: ${outcomesText(p.lo.outcomes)}`);
    lines.push(...timingLines(model, chain, p.lo));
    return lines.join('\n');
  }
  const s = p.interval.search;
  lines.push(`${p.program}: worst-case makespan ${s.worst ? seconds(s.worst.makespan) : 'none (no run completes)'}${s.status === 'bound' ? ' (search budget reached: the worst found so far, not proved worst)' : ''}`);
  lines.push(`  all lower bounds: ${outcomesText(p.lo.outcomes)}`);
  lines.push(`  all upper bounds: ${outcomesText(p.hi!.outcomes)}`);
  for (const l of [extremeText('best case', s.best), extremeText('worst case', s.worst)]) if (l) lines.push(l);
  if (s.deadlock) lines.push(`  deadlock: some order deadlocks at ${seconds(s.deadlock.makespan)} with ${assignmentText(s.deadlock.assignment)}`);
  if (p.interval.anomaly) {
    lines.push(`  timing anomaly: the worst case is not at all upper bounds${p.hi!.makespan !== undefined ? ` (${seconds(p.hi!.makespan)})` : ''} — a faster action can make the program slower`);
  }
  const shown = p.interval.worstRun ?? p.lo;
  lines.push(p.interval.worstRun ? '  the worst case, step by step:' : '  at the lower bounds:');
  lines.push(...timingLines(model, chain, shown));
  return lines.join('\n');
}

const obj = (m: ReadonlyMap<string, number>): Record<string, number> => Object.fromEntries(m);

function timingJson(model: Model, chain: readonly string[], t: FixedTiming): unknown {
  return {
    outcomes: t.outcomes,
    makespan: t.makespan ?? null,
    sequential: t.analysis.sequential,
    speedup: t.speedup ?? null,
    shownRun: t.run.outcome,
    criticalPath: t.analysis.criticalPath.map((l) => ({ ...l, text: linkText(model, chain, l).what })),
    behaviors: t.analysis.behaviors,
    actions: t.analysis.bars,
  };
}

/** The JSON form of one prediction (times in milliseconds). */
export function predictionJson(model: Model, p: Prediction): unknown {
  if (p.status !== 'ok') return p;
  const chain = chainNames(model, p.program);
  const ext = (e: Extreme | undefined) => e && { makespan: e.makespan, assignment: obj(e.assignment) };
  return {
    status: p.status,
    program: p.program,
    undurated: p.undurated,
    lo: timingJson(model, chain, p.lo),
    ...(p.hi && { hi: timingJson(model, chain, p.hi) }),
    ...(p.interval && {
      interval: {
        search: p.interval.search.status,
        branches: p.interval.search.branches,
        worst: ext(p.interval.search.worst) ?? null,
        best: ext(p.interval.search.best) ?? null,
        deadlock: ext(p.interval.search.deadlock) ?? null,
        anomaly: p.interval.anomaly,
        worstRun: p.interval.worstRun ? timingJson(model, chain, p.interval.worstRun) : null,
      },
    }),
  };
}

function ganttPath(base: string, program: string, many: boolean): string {
  if (!many) return base;
  return base.toLowerCase().endsWith('.svg') ? `${base.slice(0, -4)}.${program}.svg` : `${base}.${program}.svg`;
}

/** Runs `cto predict` and returns what to print and the exit code (writes the Gantt charts if asked). */
export async function runPredict(file: string, opts: PredictCliOptions): Promise<{ out: string; err: string; exitCode: number }> {
  const loaded = loadFile(file);
  const diags = loaded.diagnostics.map((d) => formatDiagnostic(d, d.code === 'CTO000' ? undefined : loaded.source));
  if (loaded.status === 'error') return { out: '', err: diags.join('\n\n'), exitCode: ExitCode.badInput };
  const model = loaded.model;
  let defaultDuration;
  if (opts.defaultDuration !== undefined) {
    defaultDuration = parseDuration(opts.defaultDuration);
    if (!defaultDuration) return { out: '', err: `cto predict: --default-duration expects a time such as 2s, 500ms, 1.5m or 1s..3s, got '${opts.defaultDuration}'`, exitCode: ExitCode.badInput };
  }
  if (opts.program !== undefined && !model.programByName.has(opts.program)) {
    const known = model.programs.map((p) => p.name).join(', ') || 'none';
    return { out: '', err: `cto predict: ${file} has no program '${opts.program}' (its programs: ${known})`, exitCode: ExitCode.badInput };
  }
  const programs = opts.program !== undefined ? [opts.program] : model.programs.map((p) => p.name);
  const results: Prediction[] = [];
  try {
    for (const name of programs) results.push(await predict(model, name, defaultDuration ? { defaultDuration } : {}));
  } finally {
    await shutdownZ3();
  }
  const err: string[] = [...diags];
  const first = results.find((r) => r.status === 'ok');
  if (first && first.status === 'ok' && first.undurated.length > 0) {
    err.push(`warning: ${first.undurated.length} transition(s) have no duration and take ${defaultDuration ? seconds(defaultDuration.lo) + (defaultDuration.hi > defaultDuration.lo ? '..' + seconds(defaultDuration.hi) : '') : '0 s (cto-language.md §5; give --default-duration to change it)'}: ${first.undurated.join(', ')}`);
  }
  if (opts.gantt !== undefined) {
    for (const r of results) {
      if (r.status !== 'ok') continue;
      const t = r.interval?.worstRun ?? r.lo;
      const path = ganttPath(opts.gantt, r.program, results.length > 1);
      const title = `${file} — program ${r.program}: ${t.run.outcome.status === 'completed' ? `makespan ${seconds(t.run.outcome.at)}` : `deadlock at ${seconds(t.run.outcome.at)}`}${r.interval?.worstRun ? ' (worst case)' : ''}`;
      try {
        writeFileSync(path, ganttSvg({ title, bars: t.analysis.bars, behaviors: t.analysis.behaviors, makespan: t.run.outcome.at }));
      } catch (e) {
        return { out: '', err: `cto predict: cannot write ${path}: ${(e as Error).message}`, exitCode: ExitCode.badInput };
      }
      err.push(`wrote ${path}`);
    }
  }
  const exitCode = results.some((r) => r.status === 'bound') ? ExitCode.noVerdict : ExitCode.ok;
  const out = opts.json === true
    ? JSON.stringify(results.map((r) => predictionJson(model, r)), null, 2)
    : results.map((r) => renderPrediction(model, r)).join('\n\n');
  return { out, err: err.join('\n'), exitCode };
}

/** Registers `cto predict` on the command line. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predict how long each program takes from transition durations (cto-language.md §5): makespan, critical path, worst case over intervals')
    .argument('<file>', 'the .cto file')
    .option('--program <name>', 'predict only this program (default: every program of the file)')
    .option('--gantt <out.svg>', 'write an SVG Gantt chart (one file per program when several: out.<program>.svg)')
    .option('--json', 'print the predictions as JSON (times in milliseconds)')
    .option('--default-duration <time>', 'duration of transitions without one (default 0 s), e.g. 2s or 1s..3s')
    .action(async (file: string, opts: PredictCliOptions) => {
      const { out, err, exitCode } = await runPredict(file, opts);
      if (err) process.stderr.write(`${err}\n`);
      if (out) process.stdout.write(`${out}\n`);
      process.exitCode = exitCode;
    });
}
