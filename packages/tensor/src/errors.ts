/** Formats a shape as PyTorch prints it in messages: `[3,4]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws `Error("<op>: <message>")`; every error in minigan names its operation first. */
export function fail(op: string, message: string): never {
  throw new Error(`${op}: ${message}`);
}

/**
 * Normalises a possibly negative axis into 0..ndim-1 (NumPy's rule); `shape`, when given, is
 * named in the error message.
 */
export function normAxis(op: string, axis: number, ndim: number, shape?: readonly number[]): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    const of = shape ? `shape ${fmtShape(shape)}` : `a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'}`;
    fail(op, `axis ${axis} is out of range for ${of} (expected ${ndim === 0 ? 'none' : `-${ndim}..${ndim - 1}`})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Checks that `n` is a finite number; `what` names the argument in the message. */
export function checkFinite(op: string, what: string, n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(op, `${what} must be a finite number, got ${String(n)}`);
}
