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
        // Kept apart so that the CLI and property tests do not starve Z3's worker threads. (A proof that
        // once stalled here, and a CI run that aborted on a corrupted heap, had one cause: z3-solver's
        // finalizers racing a check on a worker thread, now held back by src/smt/z3.ts.)
        extends: true,
        test: { name: 'z3', include: Z3_HEAVY, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
