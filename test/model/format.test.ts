import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, formatExpr, formatString, formatTime } from '../../src/model/format.js';
import { loadSource } from '../../src/model/load.js';
import { arbModel, modelShape } from '../arbitraries.js';

describe('format', () => {
  it('prints times in the largest exact unit', () => {
    expect([0, 500, 1000, 1500, 60_000, 90_000].map(formatTime)).toEqual(['0ms', '500ms', '1s', '1500ms', '1m', '90s']);
  });

  it('escapes quotes and backslashes so that the string decodes back', () => {
    expect(formatString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('parenthesizes only where precedence requires', () => {
    const r = loadSource(
      'invariant i: (a idle or b idle) and not (a idle implies b idle) implies (a idle implies b idle) implies a idle\n',
      't.cto',
    );
    // No adds: CTO115 errors, but the parse gives the tree we need through a second load.
    expect(r.status).toBe('error');
    const ok = loadSource(
      'component C { places p initial p }\nprogram q { add(a: C) add(b: C) }\n' +
        'invariant i: (a idle or b idle) and not (a idle implies b idle) implies (a idle implies b idle) implies a idle\n',
      't.cto',
    );
    if (ok.status !== 'ok') throw new Error(JSON.stringify(ok.diagnostics));
    expect(formatExpr(ok.model.invariants[0]!.expr)).toBe(
      '(a idle or b idle) and not (a idle implies b idle) implies (a idle implies b idle) implies a idle',
    );
  });

  it('round-trips: format(model) loads without errors to the same model (property)', () => {
    fc.assert(
      fc.property(arbModel(), (model) => {
        const text = format(model);
        const r = loadSource(text, 'generated.cto');
        if (r.status !== 'ok') throw new Error(`${text}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(modelShape(r.model)).toEqual(modelShape(model));
        // printing is a fixpoint
        expect(format(r.model)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
