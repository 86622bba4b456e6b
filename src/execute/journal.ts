/**
 * The journal of a run: an append-only JSON Lines file, one event per line, each line written with a
 * single `write` and made durable with `fsync` before the run goes on (spec/run.md "Journal"). A crash
 * can at worst leave a truncated last line, which `readJournal` ignores. Secrets never reach it: the
 * executor redacts commands and outputs before they are journaled.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import type { Step } from '../semantics/step.js';

/** The journal format's name, in the `begin` event. */
export const JOURNAL_FORMAT = 'cto-journal/1';

/** One event of a run, split on `event`. `at` is the wall-clock time (ms since the epoch). */
export type JournalEvent =
  /** A run begins (written once, first). */
  | {
      readonly event: 'begin';
      readonly at: number;
      readonly format: typeof JOURNAL_FORMAT;
      /** The .cto file, as given. */
      readonly file: string;
      /** sha256 of its source: `--resume` refuses a changed file. */
      readonly sourceSha256: string;
      /** The program run. */
      readonly program: string;
      /** Whether the programs of the `after` chain were run too (else the run starts where they ended). */
      readonly chain: boolean;
    }
  /** A run is resumed from this journal. */
  | { readonly event: 'resume'; readonly at: number; readonly rerun: readonly string[] }
  /** A step of the semantics was taken (`seq` counts steps from 0). */
  | { readonly event: 'step'; readonly at: number; readonly seq: number; readonly step: Step }
  /** An action started on its host. `id` is `instance.transition#n`; `command` is redacted. */
  | {
      readonly event: 'actionStarted';
      readonly at: number;
      readonly id: string;
      readonly instance: string;
      readonly transition: string;
      readonly host: string;
      readonly command?: string;
    }
  /** An action finished successfully (exit 0, or no command). */
  | { readonly event: 'actionFinished'; readonly at: number; readonly id: string; readonly exitCode: number; readonly stdoutTail: string; readonly stderrTail: string }
  /** An action failed: a non-zero exit, a signal, a timeout, or an error (e.g. connection lost). */
  | {
      readonly event: 'actionFailed';
      readonly at: number;
      readonly id: string;
      readonly reason: string;
      readonly exitCode?: number;
      readonly stdoutTail: string;
      readonly stderrTail: string;
    }
  /** The run ended. */
  | { readonly event: 'end'; readonly at: number; readonly status: 'completed' | 'failed' | 'deadlock'; readonly makespanMs?: number };

/** Appends events durably. */
export interface JournalWriter {
  /** Appends one event and fsyncs it before returning. */
  append(e: JournalEvent): void;
  /** Closes the file. */
  close(): void;
}

/**
 * Opens `path` for appending (creating it); every `append` is one write followed by `fsync`. A torn last
 * line (a crash in the middle of a write) is cut off first, so that new events start on a line of their own.
 */
export function openJournal(path: string): JournalWriter {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    if (text !== '' && !text.endsWith('\n')) truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }
  const fd = openSync(path, 'a', 0o600);
  let open = true;
  return {
    append(e) {
      if (!open) throw new Error(`journal ${path} is closed`);
      writeSync(fd, `${JSON.stringify(e)}\n`);
      fsyncSync(fd);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** A journal in memory (tests, `--dry-run`). */
export function memoryJournal(): JournalWriter & { readonly events: JournalEvent[] } {
  const events: JournalEvent[] = [];
  return { events, append: (e) => void events.push(e), close: () => {} };
}

/** What reading a journal gives: its events, and whether a torn last line was dropped. */
export type JournalRead =
  | { readonly status: 'ok'; readonly events: readonly JournalEvent[]; readonly tornTail: boolean }
  | { readonly status: 'missing' }
  | { readonly status: 'error'; readonly message: string };

/** Reads a journal; a last line cut short by a crash is dropped (`tornTail`), any other bad line is an error. */
export function readJournal(path: string): JournalRead {
  if (!existsSync(path)) return { status: 'missing' };
  const lines = readFileSync(path, 'utf8').split('\n');
  const events: JournalEvent[] = [];
  let tornTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch {
      const last = lines.slice(i + 1).every((l) => l === '');
      if (last && i === lines.length - 1) {
        tornTail = true;
        continue;
      }
      return { status: 'error', message: `${path}:${i + 1}: not a journal event (bad JSON)` };
    }
  }
  if (events[0]?.event !== 'begin' || events[0].format !== JOURNAL_FORMAT) {
    return { status: 'error', message: `${path}: not a cto journal (no ${JOURNAL_FORMAT} begin event)` };
  }
  return { status: 'ok', events, tornTail };
}
