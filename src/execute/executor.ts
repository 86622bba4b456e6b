/**
 * The executor of `cto run`: drives a program through the reference semantics on real hosts
 * (spec/run.md). Decisions come from `decide.ts` (pure); this module does the I/O: it starts actions on
 * their hosts, in parallel, journals every event durably before going on, and resumes from a journal
 * without repeating finished actions.
 *
 * A failed action stops the run: no further step is taken, the actions still running are allowed to
 * finish and are journaled, and the result is `failed`.
 */
import { isCompleted, type Step } from '../semantics/step.js';
import type { Context, State } from '../semantics/state.js';
import { actionKey, actionsStarted, pickStep, type ActionStatus } from './decide.js';
import type { ExecResult, Host } from './host.js';
import { redact } from './interpolate.js';
import type { JournalEvent, JournalWriter } from './journal.js';

/** Where a run continues from (`--resume`): see `rebuild` in decide.ts. */
export interface ResumePoint {
  /** The state after the journaled steps. */
  readonly state: State;
  /** Number of journaled steps. */
  readonly steps: number;
  /** The running actions with their journaled status: `finished` ones are not run again. */
  readonly running: readonly ActionStatus[];
  /** Starts so far of each `instance.transition`. */
  readonly occurrences: ReadonlyMap<string, number>;
}

/** What the executor needs from the outside world. */
export interface ExecuteOptions {
  /** The program and its chain. */
  readonly ctx: Context;
  /** The state to start from (ignored when `resume` is given). */
  readonly start: State;
  /** The host of each instance. */
  readonly hostOf: (instance: string) => Host;
  /** The command of an action in the state where it starts; undefined = no `run`, an instant action. */
  readonly commandOf: (s: State, instance: string, transition: string) => string | undefined;
  /** The timeout of an action in milliseconds, if any. */
  readonly timeoutOf: (s: State, instance: string, transition: string) => number | undefined;
  /** Where events go, durably. */
  readonly journal: JournalWriter;
  /** Values to hide in everything journaled (secret variables). */
  readonly secrets: readonly string[];
  /** Continue a journaled run instead of starting at `start`. */
  readonly resume?: ResumePoint;
  /** Told of every event once it is journaled (the live log). */
  readonly onEvent?: (e: JournalEvent) => void;
  /** The clock (ms); default `Date.now`. */
  readonly now?: () => number;
}

/** One failed action. */
export interface Failure {
  /** `instance.transition#n`. */
  readonly id: string;
  /** Why, in words (exit code, signal, timeout, lost connection). */
  readonly reason: string;
}

/** How a run ended, split on `status`. */
export type RunResult =
  /** The program completed. `makespanMs` runs from the checked program's first step (or the resume) to completion. */
  | { readonly status: 'completed'; readonly state: State; readonly steps: readonly Step[]; readonly makespanMs: number }
  /** An action failed; the journal holds everything up to here, `--resume` continues. */
  | { readonly status: 'failed'; readonly state: State; readonly steps: readonly Step[]; readonly failures: readonly Failure[] }
  /** No step can ever be enabled and no action runs (cannot happen to a verified program). */
  | { readonly status: 'deadlock'; readonly state: State; readonly steps: readonly Step[] };

/** Words for how a command ended, or undefined when it succeeded. */
export function failureReason(r: ExecResult): string | undefined {
  switch (r.status) {
    case 'exited':
      return r.exitCode === 0 ? undefined : `exited with status ${r.exitCode}`;
    case 'signaled':
      return `killed by signal ${r.signal}`;
    case 'timedOut':
      return `timed out after ${r.timeoutMs} ms and was killed`;
    case 'error':
      return r.message;
  }
}

/** Runs a program (or continues a journaled run) to completion, failure or deadlock. Never throws for action failures. */
export async function execute(o: ExecuteOptions): Promise<RunResult> {
  const { ctx } = o;
  const now = o.now ?? Date.now;
  const last = ctx.chain.length - 1;
  const log = (e: JournalEvent): void => {
    o.journal.append(e);
    o.onEvent?.(e);
  };
  let s = o.resume?.state ?? o.start;
  let seq = o.resume?.steps ?? 0;
  const occurrences = new Map(o.resume?.occurrences ?? []);
  const steps: Step[] = [];
  const finished = new Set<string>();
  const inflight = new Map<string, Promise<void>>();
  const failures: Failure[] = [];
  let wake: () => void = () => {};
  let programStart = s.stage === last ? now() : undefined;

  const start = (instance: string, transition: string, id: string): void => {
    const key = actionKey(instance, transition);
    const raw = o.commandOf(s, instance, transition);
    const host = o.hostOf(instance);
    log({ event: 'actionStarted', at: now(), id, instance, transition, host: host.name, ...(raw !== undefined && { command: redact(raw, o.secrets) }) });
    if (raw === undefined) {
      log({ event: 'actionFinished', at: now(), id, exitCode: 0, stdoutTail: '', stderrTail: '' });
      finished.add(key);
      return;
    }
    const timeoutMs = o.timeoutOf(s, instance, transition);
    const p = host.exec(raw, timeoutMs !== undefined ? { timeoutMs } : {}).then((r) => {
      const tails = { stdoutTail: redact(r.stdout, o.secrets), stderrTail: redact(r.stderr, o.secrets) };
      const why = failureReason(r);
      if (why === undefined) {
        log({ event: 'actionFinished', at: now(), id, exitCode: 0, ...tails });
        finished.add(key);
      } else {
        const reason = redact(why, o.secrets);
        log({ event: 'actionFailed', at: now(), id, reason, ...(r.status === 'exited' && { exitCode: r.exitCode }), ...tails });
        failures.push({ id, reason });
      }
      inflight.delete(key);
      wake();
    });
    inflight.set(key, p);
  };

  if (o.resume) {
    const rerun = o.resume.running.filter((a) => a.status !== 'finished');
    log({ event: 'resume', at: now(), rerun: rerun.map((a) => a.id) });
    for (const a of o.resume.running) {
      if (a.status === 'finished') finished.add(actionKey(a.instance, a.transition));
      else start(a.instance, a.transition, a.id);
    }
  }

  for (;;) {
    while (failures.length === 0) {
      const p = pickStep(ctx, s, finished);
      if (!p) break;
      const before = s;
      log({ event: 'step', at: now(), seq, step: p.step });
      seq++;
      steps.push(p.step);
      s = p.next;
      if (programStart === undefined && s.stage === last) programStart = now();
      if (p.step.kind === 'end') finished.delete(actionKey(p.step.instance, p.step.transition));
      for (const a of actionsStarted(before, s, p.step)) {
        const k = actionKey(a.instance, a.transition);
        const n = (occurrences.get(k) ?? 0) + 1;
        occurrences.set(k, n);
        start(a.instance, a.transition, `${k}#${n}`);
      }
    }
    if (failures.length > 0) {
      await Promise.all(inflight.values());
      log({ event: 'end', at: now(), status: 'failed' });
      return { status: 'failed', state: s, steps, failures };
    }
    if (isCompleted(ctx, s)) {
      const makespanMs = now() - (programStart ?? now());
      log({ event: 'end', at: now(), status: 'completed', makespanMs });
      return { status: 'completed', state: s, steps, makespanMs };
    }
    if (inflight.size === 0) {
      log({ event: 'end', at: now(), status: 'deadlock' });
      return { status: 'deadlock', state: s, steps };
    }
    await new Promise<void>((r) => (wake = r));
  }
}
