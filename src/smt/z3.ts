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

/*
 * z3-solver frees Z3 objects from a FinalizationRegistry callback when their JavaScript wrappers are
 * garbage-collected, on the main thread, while `check()` runs Z3 on a worker thread over the same
 * context. Z3 contexts are not thread-safe: the two race and corrupt the WebAssembly heap ("corrupted its
 * heap memory area (address zero)", or an absurd allocation aborting as OOM). So the finalizers of the
 * registry z3-solver creates are held back while a Z3 call is on a worker thread, and run when it returns.
 */

/** Z3 calls under way on a worker thread. */
let inFlight = 0;

/** Finalizer callbacks held back until no Z3 call is under way. */
const heldBack: Array<() => void> = [];

function releaseHeldBack(): void {
  if (inFlight > 0) return;
  // The callbacks only decrement reference counts (synchronous Z3 calls), so none can start a new call.
  for (const release of heldBack.splice(0)) release();
}

/** A FinalizationRegistry whose callbacks wait while a Z3 call runs on a worker thread. */
class GatedFinalizationRegistry<T> extends FinalizationRegistry<T> {
  constructor(callback: (held: T) => void) {
    super((held) => {
      if (inFlight > 0) heldBack.push(() => callback(held));
      else callback(held);
    });
  }
}

/** The emscripten module's entry point for calls that run on a worker thread (see z3-built.js). */
interface AsyncCalls {
  async_call: (...args: unknown[]) => Promise<unknown>;
}

async function initGated(): Promise<Z3Api> {
  const original = globalThis.FinalizationRegistry;
  globalThis.FinalizationRegistry = GatedFinalizationRegistry;
  let a: Z3Api;
  try {
    a = await init();
  } finally {
    globalThis.FinalizationRegistry = original;
  }
  const em = a.em as AsyncCalls;
  const call = em.async_call;
  if (typeof call !== 'function') throw new Error('z3-solver changed: Module.async_call is gone; see src/smt/z3.ts');
  em.async_call = (...args: unknown[]) => {
    inFlight++;
    let pending: Promise<unknown>;
    try {
      pending = call.apply(em, args);
    } catch (e) {
      inFlight--;
      throw e;
    }
    return pending.finally(() => {
      inFlight--;
      releaseHeldBack();
    });
  };
  return a;
}

/** The process's Z3 API, initialised on first use and reused afterwards. */
export function z3(): Promise<Z3Api> {
  api ??= initGated();
  return api;
}

/** How many z3-solver finalizers are waiting for a Z3 call to return (for tests). */
export function heldBackFinalizers(): number {
  return heldBack.length;
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
