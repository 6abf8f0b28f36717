// A shared job's way in and out, for gemmBlocks (gemm.ts) and rowJob (parallel.ts): the main
// thread opens the job in its state word (word 0: bit 16 set while open, the low 16 bits count
// the threads inside), and closes it when its own part is done, then waits until the count is 0
// (src/kernels/threads.ts, runSharedJob).

/** Bit 16 of a job's state word: the job is open. */
export const JOB_OPEN: i32 = 1 << 16;

/** Enters the job at `job` (counted in its state word) if it is still open; false when it is closed. */
@inline
export function enterJob(job: usize): bool {
  let st: i32;
  do {
    st = atomic.load<i32>(job);
    if ((st & JOB_OPEN) == 0) return false;
  } while (atomic.cmpxchg<i32>(job, st, st + 1) != st);
  return true;
}

/** Leaves the job; the last one out after it is closed wakes the thread that closed it. */
@inline
export function leaveJob(job: usize): void {
  if (atomic.sub<i32>(job, 1) == 1) atomic.notify(job, 1);
}
