import { defineConfig } from 'vitest/config';

/** The test files that drive Z3 (WebAssembly, threaded) hardest: they run after the rest, among themselves. */
const Z3_HEAVY = ['test/proofs/**/*.test.ts', 'test/smt/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: Z3_HEAVY, sequence: { groupOrder: 0 } },
      },
      {
        // Under the full suite's load a Z3 proof once stalled past its timeout while CLI and property
        // tests saturated both cores; alone (or beside each other) these files take seconds.
        extends: true,
        test: { name: 'z3', include: Z3_HEAVY, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
