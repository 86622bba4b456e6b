/** Property: on small generated models the Z3 engine and the reference explorer give the same verdict. */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/search.js';
import { bmc } from '../../src/smt/bmc.js';
import { shutdownZ3 } from '../../src/smt/z3.js';
import { arbModel } from '../arbitraries.js';

afterAll(shutdownZ3);

const tiny = arbModel({ maxComponents: 2, maxPlaces: 3, maxBehaviors: 2, maxTransitions: 2, maxPorts: 1, maxPrograms: 2, maxInstrs: 6, attributes: false });

describe('z3 engine vs reference explorer', () => {
  it('same status, primary violation kind and trace length on generated models', async () => {
    await fc.assert(
      fc.asyncProperty(tiny, async (model) => {
        for (const p of model.programs) {
          const ref = explore(model, p.name);
          const z = await bmc(model, p.name);
          expect(z.status).toBe(ref.status);
          if (ref.status === 'violation' && z.status === 'violation') {
            expect(z.violations[0]!.kind).toBe(ref.violations[0]!.kind);
            expect(z.violations[0]!.trace.length).toBe(ref.violations[0]!.trace.length);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
