import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { independence } from '../../proofs/independence.js';
import { proveLemma, type LemmaResult } from '../../proofs/kit.js';
import { portSafety } from '../../proofs/portSafety.js';
import { symmetry } from '../../proofs/symmetry.js';
import { termination } from '../../proofs/termination.js';
import { shutdownZ3, z3Context, type Z3Context } from '../../src/smt/z3.js';

const small = { places: 3, transitions: 3, usePorts: 2, providePorts: 2 };
let ctx: Z3Context;
beforeAll(async () => {
  ctx = await z3Context();
});
afterAll(shutdownZ3);

const refuted = (r: LemmaResult): string[] => r.obligations.filter((o) => o.status === 'refuted').map((o) => o.label);

describe('proofs/termination', () => {
  it('holds for a small generic component', async () => {
    expect((await proveLemma(ctx, termination, { sizes: small })).proved).toBe(true);
  });
  it('fails when a running transition weighs no more than its dock (end no longer decreases)', async () => {
    const r = await proveLemma(ctx, termination, { sizes: small, flatDocks: true });
    expect(r.proved).toBe(false);
    expect(refuted(r)).toEqual(['end decreases the measure']);
  });
});

describe('proofs/port-safety', () => {
  it('holds for a small generic component', async () => {
    expect((await proveLemma(ctx, portSafety, { sizes: small })).proved).toBe(true);
  });
  it('fails without the guard of leave', async () => {
    expect(refuted(await proveLemma(ctx, portSafety, { sizes: small, dropGuard: 'leave' }))).toEqual(['leave preserves PS']);
  });
  it('fails without the guard of enter', async () => {
    expect(refuted(await proveLemma(ctx, portSafety, { sizes: small, dropGuard: 'enter' }))).toEqual(['enter preserves PS']);
  });
  it('fails when a group takes in transitions by their source only', async () => {
    expect(refuted(await proveLemma(ctx, portSafety, { sizes: small, groupRule: 'source-only' }))).toContain('enter preserves PS');
  });
});

describe('proofs/independence', () => {
  const sizes = { places: 3, transitions: 3, usePorts: 1, providePorts: 1 };
  it('holds for small generic components', async () => {
    expect((await proveLemma(ctx, independence, { sizes })).proved).toBe(true);
  });
  it('fails when any two steps of different instances are declared independent', async () => {
    const r = await proveLemma(ctx, independence, { sizes, relation: 'any-different-instances' });
    expect(refuted(r)).toContain('leave ∥ enter');
  });
});

describe('proofs/symmetry', () => {
  const sizes = { places: 3, transitions: 3, usePorts: 2, providePorts: 2 };
  it('holds for small generic components', async () => {
    const r = await proveLemma(ctx, symmetry, { sizes });
    expect(r.obligations).toHaveLength(13);
    expect(r.proved).toBe(true);
  });
  it('fails when A.u→C.q no longer implies B.u→C.q', async () => {
    const r = await proveLemma(ctx, symmetry, { sizes, asymmetric: 'use' });
    expect(refuted(r)).toContain('enter of A ⇔ enter of B under swap');
    expect(refuted(r)).toContain('PS ⇔ PS under swap');
  });
  it('fails when A and B run different behaviors, except for end (which ignores the behavior)', async () => {
    const r = await proveLemma(ctx, symmetry, { sizes, differentQueues: true });
    expect(refuted(r)).toContain('leave of A ⇔ leave of B under swap');
    expect(refuted(r)).not.toContain('end of A ⇔ end of B under swap');
  });
});
