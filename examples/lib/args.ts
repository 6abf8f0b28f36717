// Command-line flags shared by every example: --out DIR, --steps N, --seed S (and --help), plus
// the example's own, parsed with node:util's parseArgs. A mistake prints one line and exits 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolve } from 'node:path';

/** Flags of an example besides --out/--steps/--seed/--help (parseArgs' option format). */
export type ExtraOptions = NonNullable<ParseArgsConfig['options']>;

/** What an example declares about its flags. */
export interface ExampleSpec<E extends ExtraOptions> {
  /** File stem, e.g. '03-gan-1d': the default output is runs/examples/<name>. */
  name: string;
  /** One paragraph for --help: what the example does. */
  about: string;
  /** Default --steps (what "steps" means is the example's: training steps, D-only steps…). */
  steps: number;
  /** Default --seed. Default 0. */
  seed?: number;
  /** The example's own flags, each with a `help` line. */
  extra?: E;
  help?: Partial<Record<keyof E, string>>;
}

/** Parsed flags: the common three, resolved, and the example's own as parseArgs gives them. */
export interface ExampleArgs<E extends ExtraOptions> {
  out: string;
  steps: number;
  seed: number;
  extra: { [K in keyof E]: E[K] extends { type: 'boolean' } ? boolean | undefined : string | undefined };
  /** The command that reproduces this run (for reports). */
  command: string;
}

function usage<E extends ExtraOptions>(s: ExampleSpec<E>): string {
  const lines = [`npx tsx examples/${s.name}.ts [options]`, '', s.about, '', 'Options:',
    `  --out DIR     where pictures and the report go (default runs/examples/${s.name})`,
    `  --steps N     ${s.steps} by default`,
    `  --seed S      ${s.seed ?? 0} by default`];
  for (const [k, o] of Object.entries(s.extra ?? {})) lines.push(`  --${k}${o.type === 'string' ? ' X' : ''}`.padEnd(16) + (s.help?.[k as keyof E] ?? ''));
  lines.push('  --help        this text');
  return lines.join('\n');
}

/** Exits with a one-line usage error (exit code 2). */
export function usageError(name: string, msg: string): never {
  console.error(`${name}: ${msg} (see --help)`);
  process.exit(2);
}

/** Parses a flag as an integer ≥ min, or exits with a usage error naming it. */
export function intFlag(name: string, flag: string, v: string | undefined, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) usageError(name, `--${flag} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

/** Parses process.argv for an example; prints --help and exits when asked. */
export function exampleArgs<E extends ExtraOptions = Record<never, never>>(s: ExampleSpec<E>): ExampleArgs<E> {
  const options: ExtraOptions = {
    out: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    ...(s.extra ?? {}),
  };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ options, allowPositionals: false }).values;
  } catch (e) {
    usageError(s.name, (e as Error).message);
  }
  if (values.help) {
    console.log(usage(s));
    process.exit(0);
  }
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const args = process.argv.slice(2).map((a) => (/^[\w./=-]+$/.test(a) ? a : JSON.stringify(a)));
  return {
    out: resolve(str('out') ?? `runs/examples/${s.name}`),
    steps: intFlag(s.name, 'steps', str('steps'), s.steps, 0),
    seed: intFlag(s.name, 'seed', str('seed'), s.seed ?? 0, 0),
    extra: Object.fromEntries(Object.keys(s.extra ?? {}).map((k) => [k, values[k]])) as ExampleArgs<E>['extra'],
    command: ['npx tsx', `examples/${s.name}.ts`, ...args].join(' '),
  };
}
