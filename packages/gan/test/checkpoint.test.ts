// Checkpoints survive crashes and refuse what does not fit: a write that dies half-way (thrown
// in-process, or the process killed outright) leaves the previous checkpoint whole and loadable;
// a damaged file or weights of another architecture give an error naming the file and the first
// key that does not fit, and load nothing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { GanRun, encodeSafetensors, loadModuleWeights, makeConfig, readCheckpointState, saveModuleWeights, train, type LatestPointer } from '@minigan/gan';
import { moduleDigest as digest } from './digests.ts';

const tmp = mkdtempSync(join(tmpdir(), 'minigan-ckpt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(tmp, `d${dirs++}`);

const toy = (preset = 'ring8') => makeConfig(preset, { steps: 12, batchSize: 16, snapshotEvery: 0 });


/** A run trained to step 5 with a checkpoint there, then to step 8 in memory (not saved). */
function runWithCheckpoint(): { run: GanRun; dir: string; at5: { G: string; D: string; files: string[] } } {
  const dir = freshDir();
  const run = GanRun.create(toy());
  train(run, { until: 5, checkpointDir: dir });
  const at5 = { G: digest(run.G), D: digest(run.D), files: readdirSync(dir).sort() };
  train(run, { until: 8 });
  return { run, dir, at5 };
}

const latest = (dir: string): LatestPointer => JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as LatestPointer;

describe('a crash while writing a checkpoint', () => {
  // The checkpoint at step 8 is four files: weights, optim, state, then latest.json. Fail each
  // write in turn, half-way through its bytes.
  it.each([['weights', 0], ['optim', 1], ['state', 2], ['latest.json', 3]] as const)('half-way through the %s file leaves the step-5 checkpoint whole', (_name, which) => {
    const { run, dir, at5 } = runWithCheckpoint();
    let file = -1, crashed = false;
    const onChunk = (written: number, total: number): void => {
      if (written === Math.min(64, total)) file += 1; // first chunk of a new file
      if (file === which && written >= total / 2) {
        crashed = true;
        throw new Error('simulated crash');
      }
    };
    expect(() => run.save(dir, { chunkSize: 64, onChunk })).toThrow(/atomicWriteFile: .* write failed \(simulated crash\); the previous file, if any, is unchanged/);
    expect(crashed).toBe(true);
    expect(latest(dir).step).toBe(5);
    // No temporary file is left; files of step 8 written before the crash are complete but unused.
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('step-000005')).sort()).toEqual(at5.files.filter((f) => f.startsWith('step-000005')));
    const back = GanRun.load(dir);
    expect(back.step).toBe(5);
    expect([digest(back.G), digest(back.D)]).toEqual([at5.G, at5.D]);
    // And the next save that completes moves latest.json on.
    run.save(dir);
    expect(latest(dir).step).toBe(8);
    expect(digest(GanRun.load(dir).G)).toBe(digest(run.G));
  });

  it('the process killed (SIGKILL) half-way through the weights file: the previous checkpoint still loads', () => {
    const { dir, at5 } = runWithCheckpoint();
    // A child process resumes the run and is killed by the kernel in the middle of writing the
    // next checkpoint's weights: no cleanup code runs, so its temporary file stays behind.
    const script = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    const left = readdirSync(dir);
    expect(left.some((f) => /^\.step-000008\.weights\.safetensors\.tmp-/.test(f))).toBe(true);
    expect(left.some((f) => f === 'step-000008.weights.safetensors')).toBe(false);
    expect(latest(dir).step).toBe(5);
    const back = GanRun.load(dir);
    expect([back.step, digest(back.G), digest(back.D)]).toEqual([5, at5.G, at5.D]);
    // The next checkpoint written removes the dead writer's leftover.
    train(back, { until: 6 });
    back.save(dir);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(latest(dir).step).toBe(6);
  });
});

describe('a damaged checkpoint gives an error naming the file', () => {
  /** A fresh checkpoint at step 4, and the path of its weights file. */
  function checkpoint(): { dir: string; weights: string } {
    const dir = freshDir();
    train(GanRun.create(toy()), { until: 4, checkpointDir: dir });
    return { dir, weights: join(dir, latest(dir).weights) };
  }
  /** Safetensors bytes with the given header text and data. */
  const craft = (header: string, data: Uint8Array): Uint8Array => {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    return out;
  };

  it.each([
    ['truncated', (b: Uint8Array) => b.subarray(0, Math.floor(b.length / 2)), /data_offsets \[\d+,\d+\] go past the end of the data section.*truncated file or bad offsets/],
    ['a header that is not JSON', (b: Uint8Array) => { const c = Uint8Array.from(b); c[8] = 0x7e; return c; }, /header \(bytes 8–\d+\) is not JSON/],
    ['offsets past the end', () => craft('{"G.0.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', new Uint8Array(8)), /tensor 'G\.0\.weight': data_offsets \[0,16\] go past the end of the data section, which has 8 bytes/],
    ['a dtype we do not read', () => craft('{"G.0.weight":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4)), /tensor 'G\.0\.weight': unsupported dtype F16 \(minigan reads F32 and F64\)/],
  ])('%s', (_name, corrupt, message) => {
    const { dir, weights } = checkpoint();
    writeFileSync(weights, corrupt(readFileSync(weights)));
    let msg = '';
    try { GanRun.load(dir); } catch (e) { msg = (e as Error).message; }
    expect(msg.startsWith(`readSafetensors: ${weights}: `)).toBe(true);
    expect(msg).toMatch(message);
  });

  it('weights of another architecture name the weights file and the first key that does not fit', () => {
    const { dir, weights } = checkpoint();
    const other = freshDir();
    train(GanRun.create(toy('gauss1d')), { until: 1, checkpointDir: other });
    copyFileSync(join(other, latest(other).weights), weights);
    expect(() => GanRun.load(dir)).toThrow(`GanRun.load: ${weights} does not fit G of this run (ring8): loadStateDict: '0.weight' has shape ${firstWeight('gauss1d')}, expected ${firstWeight('ring8')}`);
  });

  it('a pointer or state file that is damaged or missing is named', () => {
    const { dir } = checkpoint();
    const ptr = latest(dir);
    writeFileSync(join(dir, 'latest.json'), '{"step": 4, "weights": ');
    expect(() => GanRun.load(dir)).toThrow(new RegExp(`^loadCheckpoint: ${join(dir, 'latest.json')} is not valid JSON`));
    writeFileSync(join(dir, 'latest.json'), JSON.stringify({ ...ptr, state: 'step-000099.state.json' }));
    expect(() => GanRun.load(dir)).toThrow(`loadCheckpoint: ${join(dir, 'latest.json')} names step-000099.state.json, which does not exist in ${dir}`);
    writeFileSync(join(dir, 'latest.json'), JSON.stringify(ptr));
    writeFileSync(join(dir, ptr.state), '{"format": "something-else"}');
    expect(() => readCheckpointState(dir)).toThrow(`loadCheckpoint: ${join(dir, ptr.state)} is not a minigan checkpoint (format "something-else")`);
    expect(() => GanRun.load(join(tmp, 'nowhere'))).toThrow(`loadCheckpoint: checkpoint directory ${join(tmp, 'nowhere')} does not exist`);
  });
});

/** The shape of G's first weight in a preset, `[hidden₀,zDim]`, as the error message prints it. */
function firstWeight(preset: string): string {
  const m = makeConfig(preset).model;
  return `[${m.gHidden[0]},${m.zDim}]`;
}

describe('loading weights into a model never half-loads', () => {
  it('a file for another architecture names the file and the first key, and changes nothing', () => {
    const ring = GanRun.create(toy());
    const oneD = GanRun.create(toy('gauss1d'));
    const file = join(freshDir() + '-g1d.safetensors');
    saveModuleWeights(oneD.G, file);
    const before = digest(ring.G);
    expect(() => loadModuleWeights(ring.G, file)).toThrow(`loadModuleWeights: ${file} does not fit this Sequential: loadStateDict: '0.weight' has shape ${firstWeight('gauss1d')}, expected ${firstWeight('ring8')}`);
    expect(digest(ring.G)).toBe(before);
  });

  it('a file whose first keys fit and whose last does not: still nothing is copied', () => {
    // A careless loader would copy layers 0 and 2 before it reaches the bad key of layer 4.
    const a = GanRun.create(toy()), b = GanRun.create(makeConfig('ring8', { seed: 9, steps: 1 }));
    const sd = b.G.stateDict();
    sd['4.bias'] = T.zeros([3]); // G's last layer has 2 outputs
    const file = join(freshDir() + '-almost.safetensors');
    writeFileSync(file, encodeSafetensors(sd));
    const before = digest(a.G);
    expect(digest(b.G)).not.toBe(before); // so a partial copy would show
    expect(() => loadModuleWeights(a.G, file)).toThrow(`loadModuleWeights: ${file} does not fit this Sequential: loadStateDict: '4.bias' has shape [3], expected [2]`);
    expect(digest(a.G)).toBe(before);
    // The same file with the right shape loads, and then the weights do change.
    sd['4.bias'] = T.zeros([2]);
    writeFileSync(file, encodeSafetensors(sd));
    loadModuleWeights(a.G, file);
    expect(digest(a.G)).not.toBe(before);
  });

  it('reads one model out of a checkpoint by prefix, and says so when the prefix matches nothing', () => {
    const dir = freshDir();
    const run = GanRun.create(toy());
    train(run, { until: 2, checkpointDir: dir });
    const fresh = GanRun.create(toy());
    const file = join(dir, latest(dir).weights);
    loadModuleWeights(fresh.D, file, { prefix: 'D.' });
    expect(digest(fresh.D)).toBe(digest(run.D));
    expect(() => loadModuleWeights(fresh.D, file, { prefix: 'E.' })).toThrow(/^loadModuleWeights: .*: no key starts with 'E\.' \(the file has 'D\.0\.bias'/);
    expect(existsSync(file)).toBe(true);
  });
});
