/** Formats a shape as PyTorch prints it in messages: `[3,4]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws `Error("<op>: <message>")`; every error in minigan names its operation first. */
export function fail(op: string, message: string): never {
  throw new Error(`${op}: ${message}`);
}

/** Normalises a possibly negative axis for a tensor of `ndim` dimensions (NumPy's rule). */
export function normAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    fail(op, `axis ${axis} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'} (expected -${ndim}..${ndim - 1})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Checks that `n` is a finite number; `what` names the argument in the message. */
export function checkFinite(op: string, what: string, n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(op, `${what} must be a finite number, got ${String(n)}`);
}
