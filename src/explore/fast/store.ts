/**
 * The fast explorer's state store: fixed-width states (Int32 words) appended to one growing arena, found
 * again through an open-addressing hash table keyed by a 64-bit hash (two independent 32-bit lanes).
 * States are compared word by word on a hash match, so a collision never merges two states. Index order
 * is insertion order, which the breadth-first search uses as its queue.
 */

/** Mixes one 32-bit word into a 32-bit lane (murmur3-style). */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Final avalanche of a lane. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Arena + hash table of states of `width` words, with per-state parent, step code and depth. */
export class StateStore {
  /** Number of stored states. */
  size = 0;
  /** The states, `width` words each. */
  words: Int32Array;
  /** Parent index of each state (-1 for the start). */
  parent: Int32Array;
  /** Code of the step from the parent (see the explorer). */
  step: Int32Array;
  /** BFS depth of each state. */
  depth: Int32Array;
  private lane1: Int32Array;
  private lane2: Int32Array;
  private table: Int32Array;
  private mask: number;

  constructor(readonly width: number, initialCapacity = 1 << 12) {
    this.words = new Int32Array(initialCapacity * width);
    this.parent = new Int32Array(initialCapacity);
    this.step = new Int32Array(initialCapacity);
    this.depth = new Int32Array(initialCapacity);
    this.lane1 = new Int32Array(initialCapacity);
    this.lane2 = new Int32Array(initialCapacity);
    this.table = new Int32Array(initialCapacity * 2);
    this.mask = initialCapacity * 2 - 1;
  }

  /** Bytes held by the store's typed arrays. */
  bytes(): number {
    return this.words.byteLength + 5 * this.parent.byteLength + this.table.byteLength;
  }

  /** Bytes the store would hold after its next growth. */
  bytesAfterGrowth(): number {
    return 2 * this.bytes();
  }

  /** Whether the next insertion triggers a growth. */
  full(): boolean {
    return this.size >= this.parent.length;
  }

  private grow(): void {
    const cap = this.parent.length * 2;
    const w = new Int32Array(cap * this.width);
    w.set(this.words);
    this.words = w;
    const re = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.parent = re(this.parent);
    this.step = re(this.step);
    this.depth = re(this.depth);
    this.lane1 = re(this.lane1);
    this.lane2 = re(this.lane2);
    this.table = new Int32Array(cap * 2);
    this.mask = cap * 2 - 1;
    for (let i = 0; i < this.size; i++) {
      let slot = this.lane1[i]! & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = i + 1;
    }
  }

  /** Whether the state in `s` is stored. */
  has(s: Int32Array): boolean {
    const i = this.insertOrFind(s, true);
    return i < 0;
  }

  /**
   * Inserts the state in `s` (its first `width` words) unless present. Returns its index if it was new,
   * or `-(index+1)` if it was already stored.
   */
  insert(s: Int32Array, parent: number, step: number, depth: number): number {
    const r = this.insertOrFind(s, false);
    if (r < 0) return r;
    const i = r;
    this.parent[i] = parent;
    this.step[i] = step;
    this.depth[i] = depth;
    return i;
  }

  private insertOrFind(s: Int32Array, findOnly: boolean): number {
    const width = this.width;
    let h1 = 0x9747b28c;
    let h2 = 0x5bd1e995;
    for (let k = 0; k < width; k++) {
      const x = s[k]!;
      h1 = mix(h1, x);
      h2 = mix(h2, x ^ 0x27d4eb2f);
    }
    h1 = fmix(h1 ^ width);
    h2 = fmix(h2 ^ (width * 31));
    const words = this.words;
    let slot = h1 & this.mask;
    for (;;) {
      const e = this.table[slot]!;
      if (e === 0) break;
      const i = e - 1;
      if (this.lane1[i] === h1 && this.lane2[i] === h2) {
        const base = i * width;
        let k = 0;
        while (k < width && words[base + k] === s[k]) k++;
        if (k === width) return -(i + 1);
      }
      slot = (slot + 1) & this.mask;
    }
    if (findOnly) return 0;
    if (this.full()) {
      this.grow();
      return this.insertOrFind(s, false);
    }
    const i = this.size++;
    const base = i * width;
    for (let k = 0; k < width; k++) this.words[base + k] = s[k]!;
    this.lane1[i] = h1;
    this.lane2[i] = h2;
    this.table[slot] = i + 1;
    return i;
  }
}
