// The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
//   bytes 0–1   0x00 0x00
//   byte  2     element type: 0x08 ubyte, 0x09 byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
//   byte  3     number of dimensions r
//   bytes 4..   r dimension sizes, big-endian uint32 each
//   then        the elements, row-major, big-endian
// Files are usually gzipped; a gzip stream starts with the magic bytes 0x1f 0x8b.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fail } from '@minigan/tensor';

/** Element types of an IDX file, by their type code. */
export const IDX_TYPES = {
  0x08: { name: 'ubyte', bytes: 1 },
  0x09: { name: 'byte', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

/** The element type name of an IDX file. */
export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

/** A decoded IDX array: element type, shape and values (ubyte data stays a Uint8Array). */
export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const hex = (b: number, width = 2) => `0x${b.toString(16).padStart(width, '0')}`;

/** True when `bytes` start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses IDX bytes (gzipped or raw). `name` (usually the file path) goes into every error,
 * with the byte offset and what was expected there.
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const op = 'readIdx';
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (e) {
      fail(op, `${name}: the file starts like gzip (0x1f 0x8b) but does not decompress: ${(e as Error).message} (the file is probably truncated or corrupt)`);
    }
  }
  if (raw.length < 4) fail(op, `${name}: truncated file: expected at least 4 bytes of IDX header, got ${raw.length}`);
  const [z0, z1, code, ndim] = [raw[0]!, raw[1]!, raw[2]!, raw[3]!];
  const typeInfo = (IDX_TYPES as Record<number, { name: IdxType; bytes: number } | undefined>)[code];
  if (z0 !== 0 || z1 !== 0 || typeInfo === undefined || ndim === 0) {
    const got = [z0, z1, code, ndim].map((b) => hex(b)).join(' ');
    fail(op, `${name}: wrong magic number at byte 0: got ${got}, expected 0x00 0x00, a type code (0x08 ubyte, 0x09 byte, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64) and a dimension count ≥ 1 — is this an IDX file?`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (raw.length < headerBytes) fail(op, `${name}: truncated file: the header of ${ndim} dimensions needs ${headerBytes} bytes, got ${raw.length}`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * typeInfo.bytes;
  if (raw.length < expected) {
    fail(op, `${name}: truncated file: expected ${expected} bytes (header ${headerBytes} + ${shape.join('×')} ${typeInfo.name} elements), got ${raw.length}${raw !== bytes ? ' after decompression' : ''}`);
  }
  if (raw.length > expected) {
    fail(op, `${name}: ${raw.length - expected} unexpected bytes after the data: expected ${expected} bytes (header ${headerBytes} + ${shape.join('×')} ${typeInfo.name} elements), got ${raw.length}`);
  }
  const at = headerBytes;
  let data: IdxArray['data'];
  switch (typeInfo.name) {
    case 'ubyte':
      data = new Uint8Array(raw.subarray(at, expected)); // a copy (Buffer#slice would be a view)
      break;
    case 'byte':
      data = new Int8Array(new Uint8Array(raw.subarray(at, expected)).buffer);
      break;
    default: {
      // Multi-byte elements are big-endian: read them one by one through the DataView.
      const n = count;
      if (typeInfo.name === 'int16') { const d = new Int16Array(n); for (let i = 0; i < n; i++) d[i] = view.getInt16(at + 2 * i, false); data = d; }
      else if (typeInfo.name === 'int32') { const d = new Int32Array(n); for (let i = 0; i < n; i++) d[i] = view.getInt32(at + 4 * i, false); data = d; }
      else if (typeInfo.name === 'float32') { const d = new Float32Array(n); for (let i = 0; i < n; i++) d[i] = view.getFloat32(at + 4 * i, false); data = d; }
      else { const d = new Float64Array(n); for (let i = 0; i < n; i++) d[i] = view.getFloat64(at + 8 * i, false); data = d; }
    }
  }
  return { type: typeInfo.name, shape, data };
}

/** Reads an IDX file (gzipped or raw, detected by the gzip magic 0x1f 0x8b). */
export function readIdx(path: string): IdxArray {
  if (!existsSync(path)) fail('readIdx', `${path}: no such file`);
  if (statSync(path).isDirectory()) fail('readIdx', `${path}: is a directory, expected an IDX file`);
  return parseIdx(readFileSync(path), path);
}

/** Encodes an array as IDX bytes (raw; gzip them with `gzipSync` for a `.gz` file). */
export function encodeIdx(arr: { type: 'ubyte'; shape: readonly number[]; data: Uint8Array }): Uint8Array {
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (count !== arr.data.length) fail('encodeIdx', `shape [${arr.shape.join(',')}] needs ${count} elements, got ${arr.data.length}`);
  const header = 4 + 4 * arr.shape.length;
  const out = new Uint8Array(header + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = arr.shape.length;
  arr.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(arr.data, header);
  return out;
}
