// A least-recently-used cache bounded by entry count and, optionally, by a
// total weight (e.g. characters held).

export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  private readonly weights = new Map<K, number>();
  private totalWeight = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxWeight: number = Infinity,
    private readonly weigh: (value: V) => number = () => 0,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  /** Reads and marks as most recently used. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** Reads without changing the order. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.delete(key);
    const w = this.weigh(value);
    this.map.set(key, value);
    this.weights.set(key, w);
    this.totalWeight += w;
    // Evict the oldest entries, never the one just added.
    while (this.map.size > 1 && (this.map.size > this.maxEntries || this.totalWeight > this.maxWeight)) {
      const oldest = this.map.keys().next().value as K;
      this.delete(oldest);
    }
  }

  delete(key: K): boolean {
    if (!this.map.has(key)) return false;
    this.totalWeight -= this.weights.get(key) ?? 0;
    this.weights.delete(key);
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.weights.clear();
    this.totalWeight = 0;
  }

  keys(): K[] {
    return [...this.map.keys()];
  }
}
