/**
 * The one Z3 instance of the process (z3-solver, WebAssembly): initialised lazily, once, and shut down
 * explicitly so that the process can exit (Z3's worker threads otherwise keep it alive).
 */
import { init, type Arith, type Bool, type Context } from 'z3-solver';

/** What `init()` of z3-solver returns: the high-level `Context` constructor, the low-level API and the emscripten module. */
export type Z3Api = Awaited<ReturnType<typeof init>>;

/** A high-level Z3 context (all formulas of one engine run live in one). */
export type Z3Context = Context<'main'>;

/** A Boolean Z3 term of a `Z3Context`. */
export type Z3Bool = Bool<'main'>;

/** An integer Z3 term of a `Z3Context`. */
export type Z3Int = Arith<'main'>;

let api: Promise<Z3Api> | undefined;

/** The process's Z3 API, initialised on first use and reused afterwards. */
export function z3(): Promise<Z3Api> {
  api ??= init();
  return api;
}

/** A fresh high-level context (cheap: the WebAssembly module is shared). */
export async function z3Context(): Promise<Z3Context> {
  const { Context } = await z3();
  return Context('main');
}

/**
 * Terminates Z3's worker threads so that the process can exit. Call it once, when no solver is running;
 * a later `z3()` initialises a fresh instance.
 */
export async function shutdownZ3(): Promise<void> {
  if (!api) return;
  const a = await api;
  api = undefined;
  (a.em as { PThread?: { terminateAllThreads(): void } }).PThread?.terminateAllThreads();
}
