// A finite dataset over the rows of one tensor: mini-batches in a seeded random order that
// changes every epoch, with a position that can be saved in a checkpoint and restored, so a
// resumed run sees exactly the batches the uninterrupted run would have seen.
import { Tensor, Rng, fail, fmtShape } from '@minigan/tensor';

/** Options of a `TensorDataset`. */
export interface TensorDatasetOptions {
  /** Rows per batch. */
  batchSize: number;
  /** Draw a new random order of the rows at the start of every epoch (default true). */
  shuffle?: boolean;
  /** Skip the last, smaller batch of an epoch (default false). */
  dropLast?: boolean;
}

/** The position of a `TensorDataset`, plain JSON (goes into checkpoints). */
export interface TensorDatasetState {
  /** Number of rows of the dataset this state belongs to (checked on restore). */
  size: number;
  batchSize: number;
  /** Index of the current epoch (0 for the first). */
  epoch: number;
  /** Position in the current epoch's order: rows `order[0 .. cursor)` were served. */
  cursor: number;
  /** The current epoch's order of rows, or null before the first batch (not yet drawn). */
  permutation: number[] | null;
}

/**
 * The rows of `x` ([N, ...]) as a finite, shuffled dataset. `nextBatch(rng)` returns the next
 * [B, ...] batch and wraps into a new epoch (drawing a new order from `rng`) when the current
 * one is used up. All randomness comes from the `rng` passed in; nothing is drawn until a
 * batch is needed.
 */
export class TensorDataset {
  readonly x: Tensor;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly rowSize: number;
  private order: Int32Array | null = null;
  private _epoch = 0;
  private _cursor = 0;

  constructor(x: Tensor, { batchSize, shuffle = true, dropLast = false }: TensorDatasetOptions) {
    const op = 'TensorDataset';
    if (x.ndim < 1) fail(op, `expected a tensor with a leading dimension of examples, got shape ${fmtShape(x.shape)}`);
    const n = x.shape[0]!;
    if (n === 0) fail(op, `the dataset is empty (shape ${fmtShape(x.shape)})`);
    if (!Number.isInteger(batchSize) || batchSize < 1) fail(op, `batchSize must be a positive integer, got ${String(batchSize)}`);
    if (batchSize > n) fail(op, `batchSize ${batchSize} is larger than the dataset (${n} rows of shape ${fmtShape(x.shape)}); use at most ${n}`);
    this.x = x.contiguous();
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.rowSize = x.size / n;
  }

  /** Number of rows N. */
  get size(): number {
    return this.x.shape[0]!;
  }

  /** Index of the current epoch (0-based; it advances when a batch starts a new epoch). */
  get epoch(): number {
    return this._epoch;
  }

  /** Rows already served in the current epoch. */
  get cursor(): number {
    return this._cursor;
  }

  /** Batches in one epoch: ⌊N / B⌋ with `dropLast`, else ⌈N / B⌉. */
  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** The next batch [B, ...] (the last one of an epoch may be smaller unless `dropLast`). */
  nextBatch(rng: Rng): Tensor {
    const n = this.size;
    const left = n - this._cursor;
    if (this.order === null) this.order = this.drawOrder(rng);
    else if (left === 0 || (this.dropLast && left < this.batchSize)) {
      this._epoch += 1;
      this._cursor = 0;
      this.order = this.drawOrder(rng);
    }
    const b = Math.min(this.batchSize, n - this._cursor);
    const rows = this.order.subarray(this._cursor, this._cursor + b);
    this._cursor += b;
    return this.gather(rows);
  }

  /** The position (epoch, cursor, current order) as plain JSON. */
  state(): TensorDatasetState {
    return {
      size: this.size,
      batchSize: this.batchSize,
      epoch: this._epoch,
      cursor: this._cursor,
      permutation: this.order ? Array.from(this.order) : null,
    };
  }

  /** Restores a position saved by `state()`; the next batch is the one that would have come. */
  loadState(s: TensorDatasetState): void {
    const op = 'TensorDataset.loadState';
    const n = this.size;
    if (!s || typeof s !== 'object') fail(op, `expected a state object, got ${String(s)}`);
    if (s.size !== n) fail(op, `the state is for a dataset of ${s.size} rows, this one has ${n}`);
    if (s.batchSize !== this.batchSize) fail(op, `the state is for batchSize ${s.batchSize}, this dataset uses ${this.batchSize}`);
    if (!Number.isInteger(s.epoch) || s.epoch < 0) fail(op, `epoch must be a non-negative integer, got ${String(s.epoch)}`);
    if (!Number.isInteger(s.cursor) || s.cursor < 0 || s.cursor > n) fail(op, `cursor must be an integer in [0, ${n}], got ${String(s.cursor)}`);
    let order: Int32Array | null = null;
    if (s.permutation !== null) {
      if (!Array.isArray(s.permutation) || s.permutation.length !== n) {
        fail(op, `permutation must be an array of ${n} row indices, got ${Array.isArray(s.permutation) ? `${s.permutation.length} entries` : typeof s.permutation}`);
      }
      order = Int32Array.from(s.permutation);
      const seen = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const r = order[i]!;
        if (r !== s.permutation[i] || r < 0 || r >= n || seen[r]) fail(op, `permutation is not a permutation of 0..${n - 1}: entry ${i} is ${String(s.permutation[i])}`);
        seen[r] = 1;
      }
    } else if (s.cursor !== 0) fail(op, `cursor is ${s.cursor} but no permutation was saved`);
    this.order = order;
    this._epoch = s.epoch;
    this._cursor = s.cursor;
  }

  private drawOrder(rng: Rng): Int32Array {
    if (this.shuffle) return rng.permutation(this.size);
    const o = new Int32Array(this.size);
    for (let i = 0; i < o.length; i++) o[i] = i;
    return o;
  }

  /** Copies the given rows into a new contiguous [rows.length, ...] tensor. */
  private gather(rows: Int32Array): Tensor {
    const src = this.x.data;
    const base = this.x.offset;
    const r = this.rowSize;
    const out = new Tensor(this.x.dtype === 'float64' ? new Float64Array(rows.length * r) : new Float32Array(rows.length * r), [rows.length, ...this.x.shape.slice(1)]);
    const dst = out.data;
    for (let i = 0; i < rows.length; i++) {
      const from = base + rows[i]! * r;
      dst.set(src.subarray(from, from + r), i * r);
    }
    return out;
  }
}
