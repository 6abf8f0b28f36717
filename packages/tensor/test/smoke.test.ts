import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';

describe('tensor smoke', () => {
  it('adds with broadcasting', () => {
    expect(T.add(T.tensor([[1, 2], [3, 4]]), T.tensor([10, 20])).toArray()).toEqual([[11, 22], [13, 24]]);
  });
});
