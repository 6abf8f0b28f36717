import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { atomicWriteFile, encodeSafetensors, parseSafetensors, readSafetensors, writeSafetensors } from '@minigan/gan';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'minigan-st-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => {
  const d = join(tmp, `d${dirCount++}`);
  mkdirSync(d);
  return d;
};

/** Builds a safetensors file by hand: 8-byte LE header length, the header text, the data bytes. */
function craft(header: unknown, data: Uint8Array, headerText?: string): Uint8Array {
  const h = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Reads the header JSON and its byte length back from safetensors bytes. */
function headerOf(bytes: Uint8Array): { n: number; header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; text: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  return { n, header: JSON.parse(text), text };
}

describe('safetensors', () => {
  it("reads the parity fixture written by an independent writer: tensors equal the JSON's init", () => {
    const st = readSafetensors(join(fixtures, 'gan_toy_ring.init.safetensors'));
    const ref = JSON.parse(readFileSync(join(fixtures, 'gan_toy_ring.json'), 'utf8')).init as Record<string, { shape: number[]; data: number[] }>;
    expect(Object.keys(st.tensors).sort()).toEqual(Object.keys(ref).sort());
    expect(st.metadata).toEqual({ source: 'PyTorch 1.13.0a0, seed 7', fixture: 'gan_toy_ring' });
    for (const [name, { shape, data }] of Object.entries(ref)) {
      const t = st.tensors[name]!;
      expect(t.shape, name).toEqual(shape);
      expect(t.dtype).toBe('float32');
      // The JSON holds the float32 values exactly (printed in full), so equality is exact.
      expect(Array.from(t.toFlat()), name).toEqual(data.map((v) => Math.fround(v)));
    }
  });

  it('writes the layout by hand: header length, sorted keys, space padding to 8 bytes, LE data', () => {
    const bytes = encodeSafetensors({ b: T.tensor([1, -2]), a: T.tensor([0.5], undefined, 'float64') }, { note: 'x' });
    const { n, header, text } = headerOf(bytes);
    expect((8 + n) % 8).toBe(0);
    expect(text.trimEnd()).toBe('{"__metadata__":{"note":"x"},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}');
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    expect(Object.keys(header)).toEqual(['__metadata__', 'a', 'b']);
    expect(bytes.length).toBe(8 + n + 16);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + 8 + n);
    expect(dv.getFloat64(0, true)).toBe(0.5);
    expect(dv.getFloat32(8, true)).toBe(1);
    expect(dv.getFloat32(12, true)).toBe(-2);
  });

  it('round-trips F32 and F64 tensors bit for bit, including views and empty tensors', () => {
    const rng = new T.Rng(3);
    const tensors = {
      'G.0.weight': rng.normal([16, 2]),
      'G.0.bias': rng.normal([16]),
      'D.4.weight': rng.normal([3, 5], 0, 1, 'float64').T, // a non-contiguous view
      scalar: T.scalar(Math.PI, 'float64'),
      empty: T.zeros([0, 4]),
    };
    const path = join(freshDir(), 'w.safetensors');
    writeSafetensors(path, tensors, { step: '12' });
    const back = readSafetensors(path);
    expect(back.metadata).toEqual({ step: '12' });
    for (const [name, t] of Object.entries(tensors)) {
      const b = back.tensors[name]!;
      expect(b.shape, name).toEqual(t.shape);
      expect(b.dtype, name).toBe(t.dtype);
      expect(Array.from(b.toFlat()), name).toEqual(Array.from(t.toFlat()));
    }
    // every F64 tensor starts at a multiple of 8 in the file
    const bytes = readFileSync(path);
    const { n, header } = headerOf(bytes);
    for (const [name, info] of Object.entries(header)) {
      if (name !== '__metadata__' && info.dtype === 'F64') expect((8 + n + info.data_offsets[0]) % 8).toBe(0);
    }
  });

  describe('corrupt files give an error naming the file', () => {
    const good = encodeSafetensors({ w: T.tensor([[1, 2], [3, 4]]), b: T.tensor([5, 6]) });
    const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);

    it('truncated in the length, the header, or the data', () => {
      expect(() => parseSafetensors(good.subarray(0, 5), 'x.safetensors')).toThrow('readSafetensors: x.safetensors: truncated file: expected at least 8 bytes (the header length), got 5');
      expect(() => parseSafetensors(good.subarray(0, 40), 'x.safetensors')).toThrow(/readSafetensors: x\.safetensors: truncated file: the header needs bytes 8–\d+ .*the file has 40 bytes/);
      const path = join(freshDir(), 'cut.safetensors');
      writeFileSync(path, good.subarray(0, good.length - 3));
      expect(() => readSafetensors(path)).toThrow(new RegExp(`readSafetensors: ${path}: tensor 'w': data_offsets \\[8,24\\] go past the end of the data section, which has 21 bytes .*truncated file`));
    });

    it('a header that is not JSON', () => {
      const bad = craft(null, f32([1]), '{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]');
      expect(() => parseSafetensors(bad, 'bad.safetensors')).toThrow(/readSafetensors: bad\.safetensors: header \(bytes 8–\d+\) is not JSON: /);
      expect(() => parseSafetensors(craft(null, new Uint8Array(0), '[1,2]'), 'arr.safetensors')).toThrow('readSafetensors: arr.safetensors: header is not a JSON object, got an array');
      const huge = new Uint8Array(16);
      new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
      expect(() => parseSafetensors(huge, 'png.safetensors')).toThrow(/png\.safetensors: header length \d+ \(bytes 0–7\) is larger than 100000000/);
    });

    it('offsets past the end, overlapping, or not matching the shape', () => {
      const past = craft({ w: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32([1, 2]));
      expect(() => parseSafetensors(past, 'p.safetensors')).toThrow("readSafetensors: p.safetensors: tensor 'w': data_offsets [4,12] go past the end of the data section, which has 8 bytes");
      const overlap = craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32([1, 2, 3]));
      expect(() => parseSafetensors(overlap, 'o.safetensors')).toThrow("readSafetensors: o.safetensors: tensors 'a' [0,8] and 'b' [4,12] overlap in the data section");
      const wrongSize = craft({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2]));
      expect(() => parseSafetensors(wrongSize, 's.safetensors')).toThrow("readSafetensors: s.safetensors: tensor 'a': shape [3] of F32 needs 12 bytes, data_offsets [0,8] hold 8");
    });

    it('a dtype we do not read is named', () => {
      const bf16 = craft({ w: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4));
      expect(() => parseSafetensors(bf16, 'h.safetensors')).toThrow("readSafetensors: h.safetensors: tensor 'w': unsupported dtype BF16 (minigan reads F32 and F64)");
      const odd = craft({ w: { dtype: 'float', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
      expect(() => parseSafetensors(odd, 'h.safetensors')).toThrow("tensor 'w': unknown dtype \"float\"");
    });

    it('a missing file', () => {
      expect(() => readSafetensors(join(tmp, 'none.safetensors'))).toThrow(`readSafetensors: ${join(tmp, 'none.safetensors')}: no such file`);
    });
  });

  describe('atomic writes', () => {
    it('a writer that fails half-way leaves the previous file intact and no temp file behind', () => {
      const dir = freshDir();
      const path = join(dir, 'ckpt.safetensors');
      const v1 = { w: T.full([64, 64], 1) };
      writeSafetensors(path, v1);
      const before = readFileSync(path);

      let chunks = 0;
      const crash = () => {
        chunks += 1;
        if (chunks === 2) throw new Error('simulated crash');
      };
      expect(() => writeSafetensors(path, { w: T.full([64, 64], 2) }, undefined, { chunkSize: 1024, onChunk: crash })).toThrow(
        `atomicWriteFile: ${path}: write failed (simulated crash); the previous file, if any, is unchanged`,
      );
      expect(chunks).toBe(2); // it really stopped in the middle (the file is 16 KiB + header)
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(readSafetensors(path).tensors.w!.get(3, 3)).toBe(1);
      expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);

      // A write that completes replaces the file.
      writeSafetensors(path, { w: T.full([64, 64], 2) }, undefined, { chunkSize: 1024 });
      expect(readSafetensors(path).tensors.w!.get(3, 3)).toBe(2);
      expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
    });

    it('writes strings as UTF-8 (for JSON) and reports a missing directory', () => {
      const dir = freshDir();
      const path = join(dir, 'state.json');
      atomicWriteFile(path, JSON.stringify({ step: 3, name: 'σ' }));
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ step: 3, name: 'σ' });
      expect(() => atomicWriteFile(join(dir, 'no', 'x.json'), '{}')).toThrow(/atomicWriteFile: .*x\.json: write failed \(ENOENT/);
    });
  });
});
