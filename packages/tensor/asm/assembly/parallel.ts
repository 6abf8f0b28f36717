// Row jobs: a table of independent calls of one kernel that every thread can take from.
//
// The main thread writes a table of rows (ROW_BYTES each; the arguments of one call, as i32, f32
// or f64 at fixed places) and opens the job; it and every worker that wakes in time claim rows
// one at a time with an atomic add until none is left, as gemmBlocks does for blocks of C. The
// rows write disjoint memory (a block of channels, a chunk of a parameter), and each row gives the
// same values whichever thread runs it, so results do not depend on the thread count. Results of
// a reduction (a block's sum of squares, a finiteness flag) go back into the row itself.
//
// Job (i32 words at `job`):
//   0 state: bit 16 set while the job is open; low 16 bits count the threads inside
//   1 next row to claim   2 row count   3 kind (ROW_*)   4 table (byte pointer)
//
// Rows by kind (word: what; f32/f64 say the word holds that type; byte 56 is words 14–15):
//   ROW_ADAM       0 p  1 g  2 m  3 s  4 n  5–12 f32: wd b1 b2 1−b1 1−b2 √(1−β₂ᵗ) eps −step
//   ROW_SUMSQ      0 x  1 n                                  → f64 Σ x² (norm.ts) at byte 56
//   ROW_SIGMOID    0 x  1 y  2 n
//   ROW_BN_FORWARD 0 x  1 y  2 N  3 C  4 ld  5 mean  6 varSum  7 invstd  8 γ  9 β  10 relu
//                  11 stats (1: batch statistics first, into mean/varSum/invstd)  14–15 f64 eps
//   ROW_BN_BACKWARD 0 g  1 x  2 dx  3 N  4 C  5 ld  6 mean  7 invstd  8 scale  9 batch  10 sumG  11 sumGX
//   ROW_ALL_FINITE 0 x  1 n                                  → i32 1 or 0 at word 15
import { adam } from './adam';
import { enterJob, leaveJob } from './job';
import { allFinite } from './binary';
import { bnBackward, bnForward, bnStats } from './batchnorm';
import { sumSquares } from './norm';
import { sigmoid } from './sigmoid';

const ROW_BYTES: usize = 64;
const ROW_ADAM: i32 = 1;
const ROW_SUMSQ: i32 = 2;
const ROW_SIGMOID: i32 = 3;
const ROW_BN_FORWARD: i32 = 4;
const ROW_BN_BACKWARD: i32 = 5;
const ROW_ALL_FINITE: i32 = 6;

@inline
function word(r: usize, i: i32): i32 {
  return load<i32>(r + (<usize>i << 2));
}

@inline
function ptr(r: usize, i: i32): usize {
  return <usize>load<i32>(r + (<usize>i << 2));
}

@inline
function real(r: usize, i: i32): f32 {
  return load<f32>(r + (<usize>i << 2));
}

/** Runs row i of a table of `kind` rows. */
function runRow(kind: i32, r: usize): void {
  switch (kind) {
    case ROW_ADAM:
      adam(ptr(r, 0), ptr(r, 1), ptr(r, 2), ptr(r, 3), word(r, 4),
        real(r, 5), real(r, 6), real(r, 7), real(r, 8), real(r, 9), real(r, 10), real(r, 11), real(r, 12));
      break;
    case ROW_SUMSQ:
      store<f64>(r, sumSquares(ptr(r, 0), word(r, 1)), 56);
      break;
    case ROW_SIGMOID:
      sigmoid(ptr(r, 0), ptr(r, 1), word(r, 2));
      break;
    case ROW_BN_FORWARD: {
      const x = ptr(r, 0), N = word(r, 2), C = word(r, 3), ld = word(r, 4);
      if (word(r, 11) != 0) bnStats(x, N, C, ld, load<f64>(r, 56), ptr(r, 5), ptr(r, 6), ptr(r, 7));
      bnForward(x, ptr(r, 1), N, C, ld, ptr(r, 5), ptr(r, 7), ptr(r, 8), ptr(r, 9), word(r, 10) != 0);
      break;
    }
    case ROW_BN_BACKWARD:
      bnBackward(ptr(r, 0), ptr(r, 1), ptr(r, 2), word(r, 3), word(r, 4), word(r, 5), ptr(r, 6), ptr(r, 7), ptr(r, 8),
        word(r, 9) != 0, ptr(r, 10), ptr(r, 11));
      break;
    case ROW_ALL_FINITE:
      store<i32>(r, allFinite(ptr(r, 0), word(r, 1)), 60);
      break;
    default:
      unreachable();
  }
}

/** Runs rows [from, to) of a table on this thread alone (no job: for one thread or small tables). */
export function runRows(kind: i32, table: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) runRow(kind, table + <usize>i * ROW_BYTES);
}

/** Joins the row job at `job` if it is still open and runs rows until none is left. */
export function rowJob(job: usize): void {
  if (!enterJob(job)) return;
  const count = load<i32>(job, 8);
  const kind = load<i32>(job, 12);
  const table = <usize>load<i32>(job, 16);
  for (;;) {
    const i = atomic.add<i32>(job + 4, 1);
    if (i >= count) break;
    runRow(kind, table + <usize>i * ROW_BYTES);
  }
  leaveJob(job);
}
