/**
 * The fast explorer's state store: fixed-width states (Int32 words) appended to one growing arena, found
 * again through an open-addressing hash table keyed by a 64-bit hash (two independent 32-bit lanes).
 * States are compared word by word on a hash match, so a collision never merges two states. Index order
 * is insertion order, which the breadth-first search uses as its queue.
 *
 * The hash of a state is a sum over its words of a mixed (position, value) term in each lane, so a
 * successor that differs in a few words is hashed in O(changed words): see `wordHash1`/`wordHash2`.
 */

/** Final avalanche of a 32-bit value (murmur3 fmix32). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Lane-1 term of word `k` holding `v`. */
export function wordHash1(k: number, v: number): number {
  return fmix((Math.imul(v, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77)) + 0x165667b1);
}

/** Lane-2 term of word `k` holding `v` (independent of lane 1). */
export function wordHash2(k: number, v: number): number {
  return fmix((Math.imul(v ^ 0x27d4eb2f, 0xc2b2ae3d) + Math.imul(k + 7, 0x9e3779b1)) ^ 0x61c88647);
}

/** Arena + hash table of states of `width` words, with per-state parent, step code, depth and hash. */
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
  /** Hash lane 1 of each state (sum of `wordHash1`). */
  lane1: Int32Array;
  /** Hash lane 2 of each state (sum of `wordHash2`). */
  lane2: Int32Array;
  /** Pairs (index+1, lane 2); 0 = empty slot. */
  private table: Int32Array;
  private mask: number;

  constructor(readonly width: number, initialCapacity = 1 << 12) {
    this.words = new Int32Array(initialCapacity * width);
    this.parent = new Int32Array(initialCapacity);
    this.step = new Int32Array(initialCapacity);
    this.depth = new Int32Array(initialCapacity);
    this.lane1 = new Int32Array(initialCapacity);
    this.lane2 = new Int32Array(initialCapacity);
    this.table = new Int32Array(initialCapacity * 4);
    this.mask = initialCapacity * 2 - 1;
  }

  /** Bytes held by the store's typed arrays. */
  bytes(): number {
    return this.words.byteLength + 5 * this.parent.byteLength + this.table.byteLength;
  }

  /** Bytes the store would hold after its next growth. */
  bytesAfterGrowth(): number {
    const cap = this.parent.length * 2;
    const table = cap * 2 > this.mask + 1 ? cap * 4 * 8 : this.table.byteLength;
    return 2 * (this.words.byteLength + 5 * this.parent.byteLength) + table;
  }

  /** Whether the next insertion triggers a growth. */
  full(): boolean {
    return this.size >= this.parent.length;
  }

  /** The two hash lanes of a whole state. */
  static hash(s: Int32Array, width: number): [number, number] {
    let h1 = 0;
    let h2 = 0;
    for (let k = 0; k < width; k++) {
      h1 = (h1 + wordHash1(k, s[k]!)) | 0;
      h2 = (h2 + wordHash2(k, s[k]!)) | 0;
    }
    return [h1, h2];
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
    if (cap * 2 > this.mask + 1) this.rehash(cap * 4);
  }

  /** Rebuilds the hash table with `slots` slots (a power of two). */
  private rehash(slots: number): void {
    this.table = new Int32Array(slots * 2);
    this.mask = slots - 1;
    for (let i = 0; i < this.size; i++) {
      let slot = fmix(this.lane1[i]!) & this.mask;
      while (this.table[2 * slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[2 * slot] = i + 1;
      this.table[2 * slot + 1] = this.lane2[i]!;
    }
  }

  /**
   * Looks the state in `s` up, given its hash lanes. Returns `-(index+1)` if stored; otherwise, if
   * `insert`, stores it and returns its new index, else returns 0.
   */
  find(s: Int32Array, h1: number, h2: number, insert: boolean): number {
    const width = this.width;
    const words = this.words;
    const table = this.table;
    let slot = fmix(h1) & this.mask;
    for (;;) {
      const e = table[2 * slot]!;
      if (e === 0) break;
      if (table[2 * slot + 1] === h2) {
        const i = e - 1;
        if (this.lane1[i] === h1) {
          const base = i * width;
          let k = 0;
          while (k < width && words[base + k] === s[k]) k++;
          if (k === width) return -(i + 1);
        }
      }
      slot = (slot + 1) & this.mask;
    }
    if (!insert) return 0;
    if (this.full()) {
      this.grow();
      return this.find(s, h1, h2, true);
    }
    const i = this.size++;
    const base = i * width;
    for (let k = 0; k < width; k++) this.words[base + k] = s[k]!;
    this.lane1[i] = h1;
    this.lane2[i] = h2;
    this.table[2 * slot] = i + 1;
    this.table[2 * slot + 1] = h2;
    return i;
  }

  /** Stores a new state (after `find(…, true)` returned its index) with its bookkeeping. */
  record(i: number, parent: number, step: number, depth: number): void {
    this.parent[i] = parent;
    this.step[i] = step;
    this.depth[i] = depth;
  }
}
