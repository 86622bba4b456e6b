/** The reference semantics of cto-language.md §3: states, steps, port activity, invariants. */
export * from './state.js';
export * from './ports.js';
export * from './step.js';
export * from './invariant.js';
