import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Make CommonJS interop behave as under Node/tsx (see TOOLING.md, trap 4).
    deps: { interopDefault: false },
    testTimeout: 60_000,
    pool: 'threads',
  },
});
