/** Loading the fixtures of the predict tests, and inline models. */
import { readFileSync } from 'node:fs';
import { loadSource } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';

/** The path of a fixture of test/predict/fixtures. */
export function fixturePath(name: string): string {
  return new URL(`./fixtures/${name}`, import.meta.url).pathname;
}

/** Loads `.cto` text; fails the test with the diagnostics if it does not load. */
export function modelOf(text: string, file = 'inline.cto'): Model {
  const r = loadSource(text, file);
  if (r.status !== 'ok') throw new Error(`fixture does not load: ${JSON.stringify(r.diagnostics)}`);
  return r.model;
}

/** Loads a fixture of test/predict/fixtures. */
export function fixture(name: string): Model {
  const path = fixturePath(name);
  return modelOf(readFileSync(path, 'utf8'), path);
}
