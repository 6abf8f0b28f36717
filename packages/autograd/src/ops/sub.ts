import { type Input, type Variable } from '../variable.ts';
import { add } from './add.ts';
import { neg } from './neg.ts';

/**
 * a − b with broadcasting, composed as a + (−b): exact in IEEE arithmetic (x − y = x + (−y)),
 * and its gradient (1, −1) follows from add and neg.
 */
export function sub(a: Input, b: Input): Variable {
  return add(a, typeof b === 'number' ? -b : neg(b));
}
