// Digests for comparing runs bit for bit in tests. A SHA-256 of a tensor's bytes, not the bytes:
// vitest's deep equality walks a typed array element by element, which takes over a minute for
// the course GAN's 2M weights and Adam moments. Equal digests mean bit-identical floats (NaN
// payloads and the sign of zero included).
import { createHash } from 'node:crypto';
import type { nn } from '@minigan/autograd';
import type { Tensor } from '@minigan/tensor';
import type { GanRun } from '@minigan/gan';

/** SHA-256 of a tensor's bytes, with its length. */
export function tensorDigest(t: Tensor): string {
  const f = t.toFlat();
  return createHash('sha256').update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength)).digest('hex') + `:${f.length}`;
}

/** One SHA-256 over every key and tensor of a module's state dict. */
export function moduleDigest(m: nn.Module): string {
  const h = createHash('sha256');
  for (const [k, t] of Object.entries(m.stateDict())) {
    const f = t.toFlat();
    h.update(k).update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  }
  return h.digest('hex');
}

/** Everything two runs must share to be the same: both state dicts and both optimizers' tensors (as digests), the RNG and the step. */
export function runFingerprint(run: GanRun): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, t] of Object.entries(run.G.stateDict())) out[`G.${k}`] = tensorDigest(t);
  for (const [k, t] of Object.entries(run.D.stateDict())) out[`D.${k}`] = tensorDigest(t);
  for (const [name, opt] of [['optG', run.optG], ['optD', run.optD]] as const) {
    for (const [i, st] of Object.entries(opt.stateDict().state)) {
      for (const [k, v] of Object.entries(st)) out[`${name}.${i}.${k}`] = typeof v === 'number' ? v : tensorDigest(v);
    }
  }
  out.rng = JSON.stringify(run.rng.state());
  out.step = run.step;
  return out;
}
