// The rules of the repository's shape, checked on the source itself:
//   - dependencies run one way, tensor ← autograd ← loss ← gan ← examples;
//   - every @minigan/* package a file imports is declared in its package.json (an import that
//     only resolves through the root node_modules works by accident);
//   - no relative import reaches into another package;
//   - nothing calls Math.random (one seed decides everything).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Reading order of the chain: a unit may import only from units to its left. */
const CHAIN = ['tensor', 'autograd', 'loss', 'gan', 'examples'] as const;
type Unit = (typeof CHAIN)[number] | 'test';

/** The folders that hold source, with the unit each belongs to. */
const UNITS: { unit: Unit; dir: string }[] = [
  ...(['tensor', 'autograd', 'loss', 'gan'] as const).map((u) => ({ unit: u as Unit, dir: join(root, 'packages', u) })),
  { unit: 'examples', dir: join(root, 'examples') },
  { unit: 'test', dir: join(root, 'test') },
];

/** Every .ts/.js/.mjs file under `dir`, skipping node_modules and generated output. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'results' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and dynamic imports with a literal. */
function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

const files = UNITS.flatMap(({ unit, dir }) => sourceFiles(dir).map((file) => ({ unit, dir, file, text: readFileSync(file, 'utf8') })));

describe('repository structure', () => {
  it('finds the source (the checks below are not vacuous)', () => {
    for (const u of UNITS) expect(files.filter((f) => f.unit === u.unit).length, u.unit).toBeGreaterThan(0);
    // The import scanner sees the three forms it claims to see.
    expect(importsOf("import * as T from '@minigan/tensor';\nexport { x } from './x.ts';\nconst m = await import('node:fs');")).toEqual(['@minigan/tensor', './x.ts', 'node:fs']);
  });

  it('dependencies run one way: tensor ← autograd ← loss ← gan ← examples', () => {
    const bad: string[] = [];
    for (const f of files) {
      if (f.unit === 'test') continue; // tests may import every package
      const mine = CHAIN.indexOf(f.unit);
      for (const spec of importsOf(f.text)) {
        const m = /^@minigan\/([a-z]+)/.exec(spec);
        if (!m) continue;
        const theirs = CHAIN.indexOf(m[1] as (typeof CHAIN)[number]);
        if (theirs > mine) bad.push(`${relative(root, f.file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every @minigan/* import is declared in the importing package.json', () => {
    const bad: string[] = [];
    for (const u of UNITS) {
      const pkg = JSON.parse(readFileSync(join(u.dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
      for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
        if (name.startsWith('@minigan/') && range !== 'workspace:^') bad.push(`${pkg.name}: ${name} is '${range}', expected 'workspace:^'`);
      }
      for (const f of files.filter((x) => x.unit === u.unit)) {
        for (const spec of importsOf(f.text)) {
          const m = /^(@minigan\/[a-z]+)/.exec(spec);
          if (m && m[1] !== pkg.name && !declared.has(m[1]!)) bad.push(`${relative(root, f.file)} imports ${m[1]} but ${pkg.name} does not declare it`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('no relative import leaves its own package', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const spec of importsOf(f.text)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f.file), spec);
        if (!(target + sep).startsWith(f.dir + sep)) bad.push(`${relative(root, f.file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('nothing calls Math.random', () => {
    // Any use outside comments; this file names it in a test title, so it is left out.
    const pattern = /Math\.random\b/;
    const self = fileURLToPath(import.meta.url);
    const bad = files
      .filter((f) => f.file !== self && f.text.split('\n').some((l) => pattern.test(l) && !/^\s*(\/\/|\*|\/\*)/.test(l)))
      .map((f) => relative(root, f.file));
    expect(bad).toEqual([]);
  });
});
