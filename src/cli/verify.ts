/**
 * `cto verify FILE`: decides, over all interleavings, every program of the file (or `--program NAME`)
 * through its `after` chain (cto-language.md §4) and prints the verdicts, figures and counterexamples.
 * Exit 0 verified, 1 violation, 2 the file does not load (or bad usage), 3 a bound was reached.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ExitCode, formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { EngineDisagreement, engines, verifyFile, type FileStatus, type FileVerdict, type Progress } from '../explore/engines.js';
import { verifyReport } from '../explore/report.js';
import { loadFile } from '../model/load.js';
import type { Model } from '../model/types.js';
import { verdictSummary } from '../explore/verdict.js';
import { renderReport } from './render.js';
import { certifyVerdicts } from '../execute/certificate.js';

/** The exit code of a file's verdict (the one place it is chosen). */
export function exitCodeOf(status: FileStatus): number {
  return status === 'verified' ? ExitCode.ok : status === 'violation' ? ExitCode.violation : ExitCode.noVerdict;
}

/**
 * The default memory bound in megabytes: below Node's default heap limit (about 4 GB), so that a state
 * space too large for this process ends in "no verdict" (exit 3), not in a crash.
 */
export const DEFAULT_MAX_MEMORY_MB = 3072;

/** Options of `cto verify` as commander gives them. */
interface VerifyCliOptions {
  program?: string;
  engine: string;
  maxStates?: string;
  maxDepth?: string;
  maxMemory?: string;
  timeLimit?: string;
  json?: boolean;
  traceOut?: string;
  all?: boolean;
  certify?: boolean;
  certOut?: string;
}

function fail(message: string): never {
  process.stderr.write(`cto verify: ${message}\n`);
  process.exit(ExitCode.badInput);
}

function count(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) fail(`${flag} expects a positive whole number, got '${v}'`);
  return Number(v);
}

/** A progress line on stderr, only on a terminal and only once the run has lasted a second. */
function progressPrinter(): { onProgress?: (p: Progress) => void; clear: () => void } {
  if (!process.stderr.isTTY) return { clear: () => {} };
  let shown = false;
  let last = 0;
  return {
    onProgress: (p) => {
      if (p.ms < 1000 || p.ms - last < 250) return;
      shown = true;
      last = p.ms;
      const rate = Math.round((p.states * 1000) / p.ms);
      process.stderr.write(`\r\x1b[K  ${p.states} states (${rate}/s), depth ${p.depth}, queue ${p.queue}`);
    },
    clear: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Runs `cto verify`; sets the exit code. */
export async function runVerify(file: string, o: VerifyCliOptions): Promise<void> {
  const loaded = loadFile(file);
  if (loaded.status === 'error') {
    for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d, d.code === 'CTO000' ? undefined : loaded.source)}\n\n`);
    process.stderr.write(`${file}: does not load (${loadErrorKinds(loaded.diagnostics)}), nothing verified\n`);
    process.exitCode = ExitCode.badInput;
    return;
  }
  const model = loaded.model;
  if (!engines[o.engine]) fail(`unknown engine '${o.engine}' (known: ${Object.keys(engines).join(', ')})`);
  if (o.program !== undefined && !model.programByName.has(o.program)) {
    const known = model.programs.map((p) => p.name).join(', ') || 'none';
    fail(`${file} has no program '${o.program}' (programs: ${known})`);
  }
  if (model.programs.length === 0) {
    process.stdout.write(`${file}: no program to verify (the file loads; nothing else to check)\n`);
    process.exitCode = ExitCode.ok;
    return;
  }
  const progress = progressPrinter();
  let fv: FileVerdict;
  try {
    fv = await verifyWith(model, o, progress.onProgress);
  } catch (e) {
    if (!(e instanceof EngineDisagreement)) throw e;
    progress.clear();
    process.stderr.write(
      [
        `cto verify: INTERNAL ERROR — ${e.message}`,
        `  explicit (reference) engine: ${verdictSummary(e.explicit)}`,
        `  z3 engine:                   ${verdictSummary(e.z3)}`,
        'No verdict can be trusted for this program; please report this with the file.',
      ].join('\n') + '\n',
    );
    process.exitCode = ExitCode.noVerdict;
    return;
  } finally {
    if (o.engine === 'z3' || o.engine === 'both') await (await import('../smt/z3.js')).shutdownZ3();
  }
  progress.clear();
  const report = verifyReport(model, fv);

  const json = JSON.stringify(report, null, 2);
  if (o.traceOut !== undefined) {
    try {
      writeFileSync(o.traceOut, `${json}\n`);
    } catch (e) {
      fail(`cannot write ${o.traceOut}: ${(e as Error).message}`);
    }
  }
  process.stdout.write(o.json ? `${json}\n` : `${renderReport(report, o.all === true)}\n`);
  if (o.certify) process.stderr.write(`certificate written to ${certifyVerdicts(file, loaded.source, fv.verdicts, o.engine, o.certOut)} (cto run checks it)\n`);
  process.exitCode = exitCodeOf(fv.status);
}

/**
 * The kinds of load error, in words: `syntax error` (codes CTO0xx: the file does not parse) or
 * `static error` (CTO1xx/CTO2xx: a rule of §2), with counts; an unreadable file (CTO000) is said as such.
 */
export function loadErrorKinds(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.some((d) => d.code === 'CTO000')) return 'it cannot be read';
  const syntax = errors.filter((d) => d.code.startsWith('CTO0')).length;
  const rest = errors.length - syntax;
  const words = (n: number, w: string): string => `${n} ${w} error${n === 1 ? '' : 's'}`;
  return [syntax > 0 ? words(syntax, 'syntax') : '', rest > 0 ? words(rest, 'static') : ''].filter(Boolean).join(', ');
}

/** Runs the chosen engine over the file with the bounds given on the command line. */
function verifyWith(model: Model, o: VerifyCliOptions, onProgress: ((p: Progress) => void) | undefined): Promise<FileVerdict> {
  return verifyFile(model, {
    ...(o.program !== undefined ? { program: o.program } : {}),
    engine: o.engine,
    ...opt('maxStates', count('--max-states', o.maxStates)),
    ...opt('maxDepth', count('--max-depth', o.maxDepth)),
    ...opt('maxMemoryMb', count('--max-memory', o.maxMemory)),
    ...opt('timeLimitMs', count('--time-limit', o.timeLimit)),
    ...(onProgress ? { onProgress } : {}),
  });
}

function opt<K extends string>(key: K, v: number | undefined): { [k in K]?: number } {
  return v === undefined ? {} : ({ [key]: v } as { [k in K]?: number });
}

/** Registers `cto verify` on the command line. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check every program of FILE over all interleavings: invariants, port safety, deadlock freedom, termination of waits')
    .argument('<file>', 'the .cto file')
    .option('--program <name>', 'check only this program (through its after chain)')
    .option('--engine <name>', 'the verification engine: auto (every interleaving up to interchangeable instances, partial-order reduction past 300,000 states), symmetric, full (every interleaving), fast (partial-order reduction), reference (the yardstick), z3 (bounded model checking up to the longest execution, so complete; k-induction for safety if --time-limit cuts it), both (reference and z3, must agree)', 'auto')
    .option('--max-states <n>', 'stop after this many distinct states (exit 3, no verdict)')
    .option('--max-depth <n>', 'do not explore deeper than this many steps (exit 3 if that cut anything)')
    .option('--max-memory <mb>', 'stop when the explorer uses more than this many megabytes (exit 3, no verdict) rather than run out of memory', String(DEFAULT_MAX_MEMORY_MB))
    .option('--time-limit <ms>', 'stop after this many milliseconds (exit 3)')
    .option('--json', 'print the verdicts and counterexamples as JSON (spec/trace-json.md)')
    .option('--trace-out <file>', 'also write the JSON report to this file (for `cto explain`)')
    .option('--all', 'print every violation found, not only the shortest')
    .option('--certify', 'write a verification certificate for `cto run` (default FILE.cert.json)')
    .option('--cert-out <file>', 'where --certify writes the certificate')
    .action(async (file: string, o: VerifyCliOptions) => runVerify(file, o));
}
