/** Shared helpers of the executor tests: load a source, run it on LocalHosts with a file journal. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handoverState } from '../../src/execute/decide.js';
import { actionCommand, actionTimeout } from '../../src/execute/commands.js';
import { execute, type ResumePoint, type RunResult } from '../../src/execute/executor.js';
import { LocalHost, type Host } from '../../src/execute/host.js';
import { parseInventory, secretValues, type Inventory } from '../../src/execute/inventory.js';
import { JOURNAL_FORMAT, openJournal, type JournalEvent } from '../../src/execute/journal.js';
import { loadSource } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import { contextFor, startState, type Context } from '../../src/semantics/index.js';

/** A fresh temporary folder. */
export function tempDir(prefix = 'cto-exec-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Loads `.cto` source text; throws with the diagnostics if it does not load. */
export function model(source: string): Model {
  const r = loadSource(source, 'test.cto');
  if (r.status !== 'ok') throw new Error(r.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message}`).join('\n'));
  return r.model;
}

/** An inventory with every instance on one local host, and these variables. */
export function localInventory(vars: Record<string, string> = {}, secrets: string[] = []): Inventory {
  const r = parseInventory(JSON.stringify({ hosts: { here: { kind: 'local' } }, default: 'here', vars, secrets }), 'inv.json');
  if (r.status !== 'ok') throw new Error(JSON.stringify(r.errors));
  return r.inventory;
}

/** Runs `program` of `m` (only that program, from where its chain hands over) on local hosts, journaling to `journalPath`. */
export async function runLocal(
  m: Model,
  program: string,
  journalPath: string,
  opts: { inventory?: Inventory; resume?: ResumePoint; host?: Host; events?: JournalEvent[] } = {},
): Promise<{ result: RunResult; ctx: Context }> {
  const ctx = contextFor(m, program);
  const inv = opts.inventory ?? localInventory();
  const host = opts.host ?? new LocalHost('here');
  const journal = openJournal(journalPath);
  try {
    if (!opts.resume) journal.append({ event: 'begin', at: Date.now(), format: JOURNAL_FORMAT, file: m.file, sourceSha256: 'test', program, chain: false });
    const start = handoverState(ctx, startState(ctx))!;
    const result = await execute({
      ctx,
      start,
      hostOf: () => host,
      commandOf: (s, i, t) => actionCommand(ctx, s, inv, i, t),
      timeoutOf: (s, i, t) => actionTimeout(ctx, s, i, t),
      journal,
      secrets: secretValues(inv),
      ...(opts.resume && { resume: opts.resume }),
      onEvent: (e) => opts.events?.push(e),
    });
    return { result, ctx };
  } finally {
    journal.close();
  }
}
