#!/usr/bin/env node
// Launcher: registers tsx's ESM loader so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
// A reader that stops early (`minigan eval ... | head`) closes the pipe: end quietly, as Unix
// tools do on SIGPIPE, instead of a stack trace from the next console.log.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
