// Row offsets for a virtual list of up to millions of rows where some rows
// are taller than the default (wrapped log lines). Only rows that were
// measured and differ from the default take memory: their differences are
// kept per block of rows, with a Fenwick tree over the block sums, so the
// offset of a row and the row at an offset are found in O(log n + block).

const BLOCK = 1024;

export class RowHeights {
  private count = 0;
  /** Fenwick tree (1-based) over `blockSums`. */
  private fen = new Float64Array(1);
  /** Sum of the height differences of each block. */
  private blockSums = new Float64Array(0);
  /** Per block: row → (measured height − default height). */
  private readonly deltas = new Map<number, Map<number, number>>();

  constructor(readonly rowHeight: number) {}

  get length(): number {
    return this.count;
  }

  /** Number of rows with a measured height different from the default. */
  get measured(): number {
    let n = 0;
    for (const m of this.deltas.values()) n += m.size;
    return n;
  }

  /** Grows keeping measurements; shrinking forgets them all. */
  setCount(n: number): void {
    n = Math.max(0, Math.floor(n));
    if (n === this.count) return;
    if (n < this.count) this.clear();
    this.count = n;
    const blocks = Math.ceil(n / BLOCK);
    if (blocks > this.blockSums.length) {
      const sums = new Float64Array(Math.max(blocks, this.blockSums.length * 2, 16));
      sums.set(this.blockSums);
      this.blockSums = sums;
      this.rebuild();
    }
  }

  /** Forgets every measurement. */
  clear(): void {
    this.deltas.clear();
    this.blockSums.fill(0);
    this.fen.fill(0);
  }

  heightOf(row: number): number {
    return this.rowHeight + (this.deltas.get(Math.floor(row / BLOCK))?.get(row) ?? 0);
  }

  /** Records a measured height; returns whether it changed anything. */
  set(row: number, height: number): boolean {
    if (row < 0 || row >= this.count || !Number.isFinite(height)) return false;
    const b = Math.floor(row / BLOCK);
    let m = this.deltas.get(b);
    const old = m?.get(row) ?? 0;
    const d = height - this.rowHeight;
    if (Math.abs(d - old) < 0.5) return false;
    if (!m) {
      m = new Map();
      this.deltas.set(b, m);
    }
    if (d === 0) m.delete(row);
    else m.set(row, d);
    this.add(b, d - old);
    return true;
  }

  /** Top of `row` (0 for row 0; `total()` for row `length`). */
  offsetOf(row: number): number {
    const i = Math.min(Math.max(0, Math.floor(row)), this.count);
    const b = Math.floor(i / BLOCK);
    let y = i * this.rowHeight + this.prefixBlocks(b);
    const m = this.deltas.get(b);
    if (m) for (const [r, d] of m) if (r < i) y += d;
    return y;
  }

  total(): number {
    return this.offsetOf(this.count);
  }

  /** The row that contains offset `y` (clamped to the rows that exist). */
  indexAt(y: number): number {
    if (this.count === 0 || y <= 0) return 0;
    const blocks = Math.ceil(this.count / BLOCK);
    // Last block that starts at or above y.
    let lo = 0;
    let hi = blocks - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.blockStart(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    let row = lo * BLOCK;
    let top = this.blockStart(lo);
    const end = Math.min(this.count, row + BLOCK);
    while (row < end - 1) {
      const h = this.heightOf(row);
      if (top + h > y) break;
      top += h;
      row++;
    }
    return row;
  }

  private blockStart(b: number): number {
    return b * BLOCK * this.rowHeight + this.prefixBlocks(b);
  }

  private add(block: number, d: number): void {
    this.blockSums[block] += d;
    for (let i = block + 1; i < this.fen.length; i += i & -i) this.fen[i] += d;
  }

  /** Sum of the differences of blocks [0, b). */
  private prefixBlocks(b: number): number {
    let s = 0;
    for (let i = Math.min(b, this.fen.length - 1); i > 0; i -= i & -i) s += this.fen[i];
    return s;
  }

  private rebuild(): void {
    const n = this.blockSums.length;
    const fen = new Float64Array(n + 1);
    for (let i = 1; i <= n; i++) {
      fen[i] += this.blockSums[i - 1];
      const j = i + (i & -i);
      if (j <= n) fen[j] += fen[i];
    }
    this.fen = fen;
  }
}
