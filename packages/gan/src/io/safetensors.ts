// The safetensors format (https://github.com/huggingface/safetensors), as PyTorch users save
// weights:
//   bytes 0..8        N, the header length, unsigned 64-bit little-endian
//   bytes 8..8+N      a UTF-8 JSON object: { "<name>": { "dtype": "F32", "shape": [16, 2],
//                     "data_offsets": [begin, end] }, ..., "__metadata__": { str: str } },
//                     padded with spaces so the data starts at a multiple of 8
//   bytes 8+N..       the data section: each tensor's elements, row-major, little-endian, at
//                     [begin, end) relative to the start of the data section
// minigan reads and writes F32 and F64.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Tensor, fail, fmtShape } from '@minigan/tensor';
import { atomicWriteFile, type AtomicWriteOptions } from './atomic.ts';

/** The dtypes minigan reads and writes, with their sizes in bytes. */
const SUPPORTED = { F32: 4, F64: 8 } as const;
/** Other dtypes of the format, recognised so the error can say "unsupported" rather than "unknown". */
const KNOWN_UNSUPPORTED = new Set(['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'I64', 'U64', 'C64']);
/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length is usually huge). */
const MAX_HEADER = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The contents of a safetensors file. */
export interface Safetensors {
  /** Tensors by name, in the order of the header. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` map (empty if absent). */
  metadata: Record<string, string>;
}

/** Options of `writeSafetensors` (those of `atomicWriteFile`, e.g. the `onChunk` fault hook). */
export type WriteSafetensorsOptions = AtomicWriteOptions;

/**
 * Encodes tensors as safetensors bytes. float32 tensors are stored as F32, float64 as F64.
 * Header keys are sorted by name (`__metadata__` first); in the data section F64 tensors come
 * before F32 ones (each group by name), so every tensor starts at a multiple of its element size.
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const op = 'writeSafetensors';
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    if (name === '' || name === '__metadata__') fail(op, `invalid tensor name ${JSON.stringify(name)}`);
    if (!(tensors[name] instanceof Tensor)) fail(op, `tensors[${JSON.stringify(name)}] is not a Tensor`);
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(op, `metadata values must be strings, got ${typeof v} for ${JSON.stringify(k)}`);
  }
  const dtypeOf = (t: Tensor): keyof typeof SUPPORTED => (t.dtype === 'float64' ? 'F64' : 'F32');
  // Data order: larger elements first, so alignment holds without padding between tensors.
  const dataOrder = [...names].sort((a, b) => SUPPORTED[dtypeOf(tensors[b]!)] - SUPPORTED[dtypeOf(tensors[a]!)] || (a < b ? -1 : a > b ? 1 : 0));
  const offsets = new Map<string, [number, number]>();
  let pos = 0;
  for (const name of dataOrder) {
    const t = tensors[name]!;
    const len = t.size * SUPPORTED[dtypeOf(t)];
    offsets.set(name, [pos, pos + len]);
    pos += len;
  }
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) header.__metadata__ = Object.fromEntries(Object.keys(metadata).sort().map((k) => [k, metadata[k]]));
  for (const name of names) {
    const t = tensors[name]!;
    header[name] = { dtype: dtypeOf(t), shape: [...t.shape], data_offsets: offsets.get(name) };
  }
  let json = JSON.stringify(header);
  const headerBytes0 = new TextEncoder().encode(json);
  const pad = (8 - (headerBytes0.length % 8)) % 8; // so that 8 + N is a multiple of 8
  json += ' '.repeat(pad);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + pos);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const base = 8 + headerBytes.length;
  for (const name of dataOrder) {
    const t = tensors[name]!;
    const flat = t.toFlat();
    const [begin] = offsets.get(name)!;
    if (LITTLE_ENDIAN) out.set(new Uint8Array(flat.buffer, flat.byteOffset, flat.byteLength), base + begin);
    else if (flat instanceof Float64Array) for (let i = 0; i < flat.length; i++) view.setFloat64(base + begin + 8 * i, flat[i]!, true);
    else for (let i = 0; i < flat.length; i++) view.setFloat32(base + begin + 4 * i, flat[i]!, true);
  }
  return out;
}

/** Writes tensors (and optional string metadata) to `path` as safetensors, atomically. */
export function writeSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>, options: WriteSafetensorsOptions = {}): void {
  atomicWriteFile(path, encodeSafetensors(tensors, metadata), options);
}

/** Reads a safetensors file; errors name the file. */
export function readSafetensors(path: string): Safetensors {
  if (!existsSync(path)) fail('readSafetensors', `${path}: no such file`);
  if (statSync(path).isDirectory()) fail('readSafetensors', `${path}: is a directory, expected a .safetensors file`);
  return parseSafetensors(readFileSync(path), path);
}

/**
 * Decodes safetensors bytes; `nameForErrors` (usually the path) starts every error message.
 * Checks everything before building any tensor, so a bad file gives an error, never part of
 * its tensors.
 */
export function parseSafetensors(bytes: Uint8Array, nameForErrors: string): Safetensors {
  const op = 'readSafetensors';
  const where = nameForErrors;
  if (bytes.length < 8) fail(op, `${where}: truncated file: expected at least 8 bytes (the header length), got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) fail(op, `${where}: header length ${n64} (bytes 0–7) is larger than ${MAX_HEADER}: not a safetensors file, or a corrupt one`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(op, `${where}: truncated file: the header needs bytes 8–${8 + n} (length ${n} in bytes 0–7), the file has ${bytes.length} bytes`);

  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
    header = JSON.parse(text);
  } catch (e) {
    fail(op, `${where}: header (bytes 8–${8 + n}) is not JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(op, `${where}: header is not a JSON object, got ${Array.isArray(header) ? 'an array' : String(header)}`);
  }

  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: { name: string; dtype: keyof typeof SUPPORTED; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info) || Object.values(info).some((v) => typeof v !== 'string')) {
        fail(op, `${where}: __metadata__ must map strings to strings, got ${JSON.stringify(info)}`);
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    const t = `${where}: tensor '${name}'`;
    if (typeof info !== 'object' || info === null) fail(op, `${t}: expected { dtype, shape, data_offsets }, got ${JSON.stringify(info)}`);
    const { dtype, shape, data_offsets: offs } = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string') fail(op, `${t}: dtype must be a string, got ${JSON.stringify(dtype)}`);
    if (!(dtype in SUPPORTED)) {
      fail(op, KNOWN_UNSUPPORTED.has(dtype) ? `${t}: unsupported dtype ${dtype} (minigan reads F32 and F64)` : `${t}: unknown dtype ${JSON.stringify(dtype)} (minigan reads F32 and F64)`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(op, `${t}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0) || offs[0] > offs[1]) {
      fail(op, `${t}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    const size = SUPPORTED[dtype as keyof typeof SUPPORTED];
    const need = (shape as number[]).reduce((a, b) => a * b, 1) * size;
    if (end - begin !== need) fail(op, `${t}: shape ${fmtShape(shape as number[])} of ${dtype} needs ${need} bytes, data_offsets [${begin},${end}] hold ${end - begin}`);
    if (end > dataLen) {
      fail(op, `${t}: data_offsets [${begin},${end}] go past the end of the data section, which has ${dataLen} bytes (file bytes ${dataStart}–${bytes.length}): truncated file or bad offsets`);
    }
    entries.push({ name, dtype: dtype as keyof typeof SUPPORTED, shape: shape as number[], begin, end });
  }
  // No two tensors may share bytes.
  const byStart = [...entries].filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const a = byStart[i - 1]!;
    const b = byStart[i]!;
    if (b.begin < a.end) fail(op, `${where}: tensors '${a.name}' [${a.begin},${a.end}] and '${b.name}' [${b.begin},${b.end}] overlap in the data section`);
  }

  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const count = (e.end - e.begin) / SUPPORTED[e.dtype];
    const at = dataStart + e.begin;
    let data: Float32Array | Float64Array;
    if (LITTLE_ENDIAN) {
      // Copy into fresh (aligned) storage: the file's bytes need not sit at a multiple of 4 or 8.
      const copy = new Uint8Array(e.end - e.begin);
      copy.set(bytes.subarray(at, at + copy.length));
      data = e.dtype === 'F64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
    } else if (e.dtype === 'F64') {
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(at + 8 * i, true);
    } else {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
    }
    tensors[e.name] = new Tensor(data, e.shape);
  }
  return { tensors, metadata };
}
