/** The lemmas `npm run proofs` checks, in the order it prints them. */
import { independence } from './independence.js';
import type { Lemma } from './kit.js';
import { portSafety } from './portSafety.js';
import { symmetry } from './symmetry.js';
import { termination } from './termination.js';

/** Every lemma about the semantics, each with its default (unweakened) options. */
export const LEMMAS: readonly Lemma<Record<string, never>>[] = [
  termination as Lemma<Record<string, never>>,
  portSafety as Lemma<Record<string, never>>,
  independence as Lemma<Record<string, never>>,
  symmetry as Lemma<Record<string, never>>,
];
