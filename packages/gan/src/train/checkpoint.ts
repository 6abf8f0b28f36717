// Checkpoints: every file is written to a temporary name, fsynced and renamed (atomicWriteFile),
// and `latest.json`, which names the files of the newest complete checkpoint, is written last.
// A crash at any moment therefore leaves `latest.json` pointing at a complete checkpoint.
//
//   <dir>/step-000500.weights.safetensors   G.<key>, D.<key>: the two state dicts (PyTorch names)
//   <dir>/step-000500.optim.safetensors     the optimizers' tensors (Adam's exp_avg, ...)
//   <dir>/step-000500.state.json            step, config, RNG and data position, optimizer scalars, history
//   <dir>/latest.json                       { step, weights, optim, state }
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, fail } from '@minigan/tensor';
import { atomicWriteFile, type AtomicWriteOptions } from '../io/atomic.ts';
import { readSafetensors, writeSafetensors } from '../io/safetensors.ts';

/** Marker for a tensor moved out of a JSON tree into a safetensors file. */
interface TensorRef { $tensor: string }

/** Splits a JSON-like tree into the tree with tensor references and the tensors themselves. */
export function splitTensors(tree: unknown, prefix: string, out: Record<string, Tensor>): unknown {
  if (tree instanceof Tensor) {
    out[prefix] = tree;
    return { $tensor: prefix } satisfies TensorRef;
  }
  if (Array.isArray(tree)) return tree.map((v, i) => splitTensors(v, `${prefix}.${i}`, out));
  if (tree !== null && typeof tree === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) o[k] = splitTensors(v, `${prefix}.${k}`, out);
    return o;
  }
  return tree;
}

/** The inverse of `splitTensors`. */
export function joinTensors(tree: unknown, tensors: Record<string, Tensor>, file: string): unknown {
  if (Array.isArray(tree)) return tree.map((v) => joinTensors(v, tensors, file));
  if (tree !== null && typeof tree === 'object') {
    const ref = (tree as Partial<TensorRef>).$tensor;
    if (typeof ref === 'string') {
      const t = tensors[ref];
      if (!t) fail('loadCheckpoint', `${file}: tensor '${ref}' is missing`);
      return t;
    }
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) o[k] = joinTensors(v, tensors, file);
    return o;
  }
  return tree;
}

/** What a checkpoint holds. */
export interface CheckpointData {
  step: number;
  /** G.<key> / D.<key> → tensor. */
  weights: Record<string, Tensor>;
  /** Anything JSON-like whose tensors go to the optim file (optimizer state dicts). */
  optim: unknown;
  /** Plain JSON: config, rng, data position, history, ... */
  state: Record<string, unknown>;
}

/** What `loadCheckpoint` returns: the data and the paths it came from (for error messages). */
export interface LoadedCheckpoint extends CheckpointData {
  files: { weights: string; optim: string; state: string };
}

/** The pointer file's content. */
export interface LatestPointer { step: number; weights: string; optim: string; state: string }

const pad = (n: number) => String(n).padStart(6, '0');

/**
 * Writes a checkpoint atomically into `dir` and then points `latest.json` at it; keeps the newest
 * `keep`. `write` goes to every file write (its `onChunk` hook lets tests fail a write half-way).
 */
export function saveCheckpoint(dir: string, data: CheckpointData, keep = 2, write: AtomicWriteOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const base = `step-${pad(data.step)}`;
  const optTensors: Record<string, Tensor> = {};
  const optTree = splitTensors(data.optim, 'optim', optTensors);
  const files = { weights: `${base}.weights.safetensors`, optim: `${base}.optim.safetensors`, state: `${base}.state.json` };
  writeSafetensors(join(dir, files.weights), data.weights, { format: 'pt', writer: 'minigan', step: String(data.step) }, write);
  writeSafetensors(join(dir, files.optim), optTensors, { writer: 'minigan' }, write);
  atomicWriteFile(join(dir, files.state), JSON.stringify({ format: 'minigan-checkpoint', version: 1, step: data.step, optim: optTree, ...data.state }), write);
  const pointer: LatestPointer = { step: data.step, ...files };
  atomicWriteFile(join(dir, 'latest.json'), JSON.stringify(pointer, null, 2) + '\n', write);
  prune(dir, keep);
  return join(dir, files.weights);
}

/** True when a process with this id exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours
  }
}

/**
 * Removes all but the newest `keep` checkpoints (never the one latest.json names), and the
 * temporary files of writers that died mid-write (a killed process cannot clean up after itself).
 */
function prune(dir: string, keep: number): void {
  for (const f of readdirSync(dir)) {
    const pid = /^\.(?:step-\d+\..*|latest\.json)\.tmp-(\d+)-\d+$/.exec(f)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid))) unlinkSync(join(dir, f));
  }
  const steps = [...new Set(readdirSync(dir).map((f) => /^step-(\d+)\./.exec(f)?.[1]).filter((s): s is string => s !== undefined))].sort();
  for (const s of steps.slice(0, Math.max(0, steps.length - keep))) {
    for (const f of readdirSync(dir)) if (f.startsWith(`step-${s}.`)) unlinkSync(join(dir, f));
  }
}

/**
 * Reads `latest.json` and the JSON state of the checkpoint it names (no tensors): enough to see
 * a run's step and config cheaply. Errors name the file and what is wrong with it.
 */
export function readCheckpointState(dir: string): { pointer: LatestPointer; state: Record<string, unknown>; statePath: string } {
  const latest = join(dir, 'latest.json');
  if (!existsSync(dir)) fail('loadCheckpoint', `checkpoint directory ${dir} does not exist`);
  if (!existsSync(latest)) fail('loadCheckpoint', `${latest} not found: ${dir} holds no complete checkpoint`);
  let ptr: LatestPointer;
  try {
    ptr = JSON.parse(readFileSync(latest, 'utf8')) as LatestPointer;
  } catch (e) {
    return fail('loadCheckpoint', `${latest} is not valid JSON (${(e as Error).message})`);
  }
  if (ptr === null || typeof ptr !== 'object') fail('loadCheckpoint', `${latest}: expected an object { step, weights, optim, state }, got ${JSON.stringify(ptr)}`);
  for (const k of ['weights', 'optim', 'state'] as const) {
    if (typeof ptr[k] !== 'string') fail('loadCheckpoint', `${latest}: expected a file name in '${k}', got ${JSON.stringify(ptr[k])}`);
    if (!existsSync(join(dir, ptr[k]))) fail('loadCheckpoint', `${latest} names ${ptr[k]}, which does not exist in ${dir}`);
  }
  const statePath = join(dir, ptr.state);
  let state: Record<string, unknown>;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return fail('loadCheckpoint', `${statePath} is not valid JSON (${(e as Error).message})`);
  }
  if (state === null || typeof state !== 'object' || state.format !== 'minigan-checkpoint') fail('loadCheckpoint', `${statePath} is not a minigan checkpoint (format ${JSON.stringify(state?.format)})`);
  if (!Number.isInteger(state.step) || (state.step as number) < 0) fail('loadCheckpoint', `${statePath}: step must be a non-negative integer, got ${JSON.stringify(state.step)}`);
  return { pointer: ptr, state, statePath };
}

/** Reads the checkpoint `latest.json` in `dir` names, with clear errors for missing or damaged files. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const { pointer: ptr, state, statePath } = readCheckpointState(dir);
  const weights = readSafetensors(join(dir, ptr.weights)).tensors;
  const optTensors = readSafetensors(join(dir, ptr.optim)).tensors;
  const optim = joinTensors(state.optim, optTensors, join(dir, ptr.optim));
  return { step: Number(state.step), weights, optim, state, files: { weights: join(dir, ptr.weights), optim: join(dir, ptr.optim), state: statePath } };
}

/** Splits `G.<key>`/`D.<key>` weights into the two state dicts. */
export function splitModels(weights: Record<string, Tensor>, file: string): { G: Record<string, Tensor>; D: Record<string, Tensor> } {
  const G: Record<string, Tensor> = {}, D: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(weights)) {
    if (k.startsWith('G.')) G[k.slice(2)] = v;
    else if (k.startsWith('D.')) D[k.slice(2)] = v;
    else fail('loadCheckpoint', `${file}: key '${k}' belongs to neither G nor D (expected 'G.<name>' or 'D.<name>')`);
  }
  return { G, D };
}

/** Prefixes a state dict's keys (`0.weight` → `G.0.weight`). */
export function prefixKeys(sd: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  const o: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(sd)) o[`${prefix}.${k}`] = v;
  return o;
}
