/**
 * The verification engines behind `cto verify`, by name, and `verifyFile`, which checks every program
 * of a file (cto-language.md §4). Each engine decides one program through its `after` chain.
 */
import type { Model } from '../model/types.js';
import { explore } from './search.js';
import type { Verdict } from './verdict.js';

/** Figures reported while an exploration runs (for a progress line). */
export interface Progress {
  /** Distinct states stored so far. */
  readonly states: number;
  /** Transitions fired so far. */
  readonly transitions: number;
  /** Current BFS depth. */
  readonly depth: number;
  /** States waiting to be expanded. */
  readonly queue: number;
  /** Milliseconds since the start. */
  readonly ms: number;
}

/** Bounds and hooks of one verification; a reached bound gives status `bound`, never `verified`. */
export interface VerifyOptions {
  /** Stop (status `bound`) once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Do not expand states deeper than this many steps from the start (status `bound` if that cut anything). */
  readonly maxDepth?: number;
  /** Stop once the JS heap in use exceeds this many megabytes (approximate). */
  readonly maxMemoryMb?: number;
  /** Stop after this many milliseconds of wall time. */
  readonly timeLimitMs?: number;
  /** Called now and then (about every 1000 expanded states) with the figures so far. */
  readonly onProgress?: (p: Progress) => void;
}

/** An engine: decides one program of a model through its `after` chain. */
export type Engine = (model: Model, programName: string, opts: VerifyOptions) => Promise<Verdict>;

/**
 * The engines by name. `reference` is the breadth-first explorer over the reference semantics;
 * other engines register themselves here with one line each.
 */
export const engines: Record<string, Engine> = {
  reference: async (model, programName, opts) => explore(model, programName, opts),
  fast: async (model, programName, opts) => (await import('./fast/explore.js')).fastExplore(model, programName, opts),
  z3: async (model, programName, opts) => (await import('../smt/bmc.js')).bmc(model, programName, opts),
  full: async (model, programName, opts) => {
    const v = (await import('./fast/explore.js')).fastExplore(model, programName, { ...opts, reduce: false });
    return { ...v, engine: 'full' };
  },
  symmetric: async (model, programName, opts) => {
    const v = (await import('./fast/explore.js')).fastExplore(model, programName, { ...opts, reduce: false, symmetry: true });
    return { ...v, engine: 'symmetric' };
  },
  auto: (model, programName, opts) => autoEngine(model, programName, opts),
  both: async (model, programName, opts) => {
    const r = await (await import('../smt/both.js')).verifyBoth(model, programName, opts);
    if (r.status === 'disagree') throw new EngineDisagreement(programName, r.why, r.explicit, r.z3);
    return { ...r.verdict, engine: 'both (reference and z3 agree)' };
  },
  // REGISTER-ENGINES
};

/**
 * Two engines gave different verdicts for one program: one of them is wrong. An internal error, never a
 * verdict; it carries both results so that they can be shown.
 */
export class EngineDisagreement extends Error {
  constructor(
    /** The program checked. */
    readonly program: string,
    /** What differs. */
    readonly why: string,
    /** The explicit engine's verdict. */
    readonly explicit: Verdict,
    /** The Z3 engine's verdict. */
    readonly z3: Verdict,
  ) {
    super(`internal error: the engines disagree on program ${program}: ${why}`);
  }
}

/** How many states `auto` lets full exploration store before it switches to partial-order reduction. */
export const AUTO_FULL_STATES = 300_000;

/**
 * The default engine: every interleaving, up to permutations of interchangeable instances (engine
 * `symmetric`: shortest counterexamples), while that stays under `AUTO_FULL_STATES` states; past that,
 * the fast explorer with partial-order reduction (the same verdicts, shown sound in spec/reduction.md and
 * by property tests, with short replayable traces). A bound the user set is honoured as given.
 */
async function autoEngine(model: Model, programName: string, opts: VerifyOptions): Promise<Verdict> {
  const userStates = opts.maxStates ?? Infinity;
  if (userStates <= AUTO_FULL_STATES) return engines.symmetric!(model, programName, opts);
  const first = await engines.symmetric!(model, programName, { ...opts, maxStates: AUTO_FULL_STATES });
  if (first.status !== 'bound' || first.bound !== 'states') return first;
  const reduced = await engines.fast!(model, programName, opts);
  return { ...reduced, engine: 'fast (partial-order reduction)' };
}

/** The verdict of a whole file: a violation as soon as one program has one; else bound if any; else verified. */
export type FileStatus = 'verified' | 'violation' | 'bound';

/** The verdicts of a file's programs and the file's verdict. */
export interface FileVerdict {
  /** The file's verdict (§4: a violation as soon as any program has one). */
  readonly status: FileStatus;
  /** One verdict per checked program, in declaration order. */
  readonly verdicts: readonly Verdict[];
}

/** The file's status from its programs' verdicts: violation beats bound beats verified. */
export function fileStatus(verdicts: readonly Verdict[]): FileStatus {
  if (verdicts.some((v) => v.status === 'violation')) return 'violation';
  if (verdicts.some((v) => v.status === 'bound')) return 'bound';
  return 'verified';
}

/**
 * Checks every program of `model` (or only `opts.program`) with engine `opts.engine` (default
 * `auto`), each from the empty assembly through its `after` chain. Throws on an unknown program
 * or engine name (the CLI checks both first).
 */
export async function verifyFile(
  model: Model,
  opts: VerifyOptions & { readonly program?: string; readonly engine?: string } = {},
): Promise<FileVerdict> {
  const engineName = opts.engine ?? 'auto';
  const engine = engines[engineName];
  if (!engine) throw new Error(`unknown engine ${engineName}`);
  const names = opts.program !== undefined ? [opts.program] : model.programs.map((p) => p.name);
  for (const n of names) if (!model.programByName.has(n)) throw new Error(`unknown program ${n}`);
  const verdicts: Verdict[] = [];
  for (const n of names) verdicts.push(await engine(model, n, opts));
  return { status: fileStatus(verdicts), verdicts };
}
