/** Timing prediction (cto-language.md §5): makespans, critical path, interval extremes, Gantt charts. */
export * from './durations.js';
export * from './timed.js';
export * from './explore.js';
export * from './analysis.js';
export * from './interval.js';
export * from './predict.js';

export * from './gantt.js';
