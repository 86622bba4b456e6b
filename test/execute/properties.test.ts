/**
 * Property: on random well-formed models, with every action a real (instant) shell command on a
 * LocalHost, the executor's steps are an execution of the reference semantics (they replay with
 * applyStep), it stops only in a completed state or a reference deadlock, and it completes whenever the
 * reference explorer says the program is verified.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handoverState } from '../../src/execute/decide.js';
import { execute } from '../../src/execute/executor.js';
import { LocalHost } from '../../src/execute/host.js';
import { memoryJournal } from '../../src/execute/journal.js';
import { engines } from '../../src/explore/engines.js';
import { applyStep, contextFor, isCompleted, isDeadlock, startState } from '../../src/semantics/index.js';
import { arbModel } from '../arbitraries.js';

describe('executor vs reference semantics', () => {
  it('replays, and completes every verified program', async () => {
    const host = new LocalHost('here');
    let verifiedSeen = 0;
    let actionsRun = 0; // actions really run on the host, over all runs
    await fc.assert(
      fc.asyncProperty(arbModel({ maxComponents: 2, minInstrs: 6, maxInstrs: 14, invariants: false }), async (m) => {
        const program = m.programs.at(-1)!.name;
        const ctx = contextFor(m, program);
        const start = handoverState(ctx, startState(ctx));
        const verdict = await engines.reference!(m, program, { maxStates: 5000 });
        if (!start) {
          expect(verdict.status).not.toBe('verified');
          return;
        }
        const result = await execute({
          ctx,
          start,
          hostOf: () => host,
          commandOf: () => (actionsRun++, ":"),
          timeoutOf: () => undefined,
          journal: memoryJournal(),
          secrets: [],
        });
        let s = start;
        for (const step of result.steps) {
          const r = applyStep(ctx, s, step);
          if (!r.ok) throw new Error(`step ${JSON.stringify(step)} does not replay: ${r.why}`);
          s = r.next;
        }
        expect(result.status).not.toBe('failed');
        if (result.status === 'completed') expect(isCompleted(ctx, s)).toBe(true);
        else expect(isDeadlock(ctx, s)).toBe(true);
        if (verdict.status === 'verified') {
          verifiedSeen++;
          expect(result.status).toBe('completed');
        }
      }),
      { numRuns: 60 },
    );
    expect(actionsRun).toBeGreaterThan(0);
    expect(verifiedSeen).toBeGreaterThan(0);
  }, 60_000);
});
