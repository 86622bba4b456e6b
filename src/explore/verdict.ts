/**
 * What `verify` decides for one program (cto-language.md §4), shared by every engine
 * (reference explorer, fast explorer, Z3): outcomes split on `status`.
 */
import type { Step } from '../semantics/step.js';

/** The kinds of violation of §4. */
export type ViolationKind = 'deadlock' | 'invariant' | 'ps';

/**
 * A violation with its counterexample: `trace` is the sequence of steps from the chain's start state
 * (`startState(ctx)`) to the failing state; replaying it through the reference semantics reproduces it.
 */
export interface Violation {
  /** Which property fails. */
  readonly kind: ViolationKind;
  /** For `invariant`: the invariant's name. */
  readonly invariant?: string;
  /** The steps from the start state to the failing state (shortest found). */
  readonly trace: readonly Step[];
}

/** Whether a blocking instruction (`wait`, `waitAll`, `del`, `dcon`, or the program's end) returns on every execution. */
export interface WaitReport {
  /** The program (name) the instruction belongs to. */
  readonly program: string;
  /** Its index in that program; equal to the program's length for the implicit final `waitAll`. */
  readonly pc: number;
  /** Source line of the instruction (of the program's closing for the implicit end), if known. */
  readonly line?: number;
  /** The instruction as written, e.g. `wait(server)`; `end of program` for the implicit final waitAll. */
  readonly text: string;
  /** True when it returns on every execution explored; false when some execution blocks there forever. */
  readonly returns: boolean;
  /** Whether some explored execution reaches it at all (false: an earlier instruction always blocks). */
  readonly reached?: boolean;
}

/** Figures about an exploration. */
export interface Stats {
  /** Distinct states stored. */
  readonly states: number;
  /** Transitions (enabled steps) fired. */
  readonly transitions: number;
  /** Greatest BFS depth reached. */
  readonly depth: number;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/** Which bound stopped an exploration before a verdict. */
export type BoundKind = 'states' | 'depth' | 'memory' | 'time';

/** The verdict for one program checked through its `after` chain. */
export type Verdict =
  /** Every reachable state is safe and the program completes on every execution. */
  | { readonly status: 'verified'; readonly program: string; readonly engine: string; readonly waits: readonly WaitReport[]; readonly stats: Stats }
  /** At least one violation; the first is the primary one (shortest trace). */
  | {
      readonly status: 'violation';
      readonly program: string;
      readonly engine: string;
      readonly violations: readonly Violation[];
      readonly waits: readonly WaitReport[];
      readonly stats: Stats;
      /** Set when a bound cut the exploration short: the violations are real, `waits` covers only what was explored. */
      readonly bound?: BoundKind;
    }
  /** A bound was reached before a verdict: never to be read as success. */
  | { readonly status: 'bound'; readonly program: string; readonly engine: string; readonly bound: BoundKind; readonly stats: Stats };

/** The verdict's summary the engines must agree on: status, and for a violation the primary kind. */
export function verdictSummary(v: Verdict): string {
  if (v.status === 'violation') {
    const p = v.violations[0]!;
    return `violation (${p.kind}${p.invariant !== undefined ? ' ' + p.invariant : ''}, ${p.trace.length} steps)`;
  }
  return v.status;
}
