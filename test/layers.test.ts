/**
 * The module layers of lib/ (kernel-free): every import — static, dynamic
 * `import()`, `import type`, `export … from` — points to the same or a lower
 * layer; families never import each other; nothing imports the facade.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The layer map, lowest first. A file may import only from its own layer or below. */
const LAYERS: readonly { layer: number; what: string; files: readonly string[] }[] = [
  { layer: 0, what: 'errors, shared types and pure parsing helpers, the validation layer, the addon', files: ['errors.ts', 'types.ts', 'native.ts', 'validate.ts', 'tcunits.ts', 'nsexec.ts'] },
  // wire/rtm.ts holds the RTM_* ids the engine names requests by, so it sits with the protocol
  { layer: 1, what: 'codec, requests, protocol (and the RTM_* ids)', files: ['codec.ts', 'request.ts', 'protocol.ts', 'wire/rtm.ts'] },
  { layer: 2, what: 'the connection (engine glue) and its trace channels', files: ['netlink.ts', 'trace.ts'] },
  { layer: 3, what: 'wire tables: the only place attribute ids and struct layouts are written', files: ['wire/*'] },
  { layer: 4, what: 'helpers below the families: lookups, ip vocabulary, event registry, requests described in ip words', files: ['resolve.ts', 'vocab.ts', 'events.ts', 'describe.ts', 'encap.ts'] },
  { layer: 5, what: 'families: typed objects <-> messages', files: ['link.ts', 'address.ts', 'route.ts', 'rule.ts', 'neigh.ts', 'nsid.ts', 'tc.ts', 'nexthop.ts', 'addrlabel.ts', 'netconf.ts', 'bridge.ts', 'token.ts'] },
  { layer: 6, what: 'families together, monitor, batch, handle, netns, pod networks', files: ['api.ts', 'families.ts', 'monitor.ts', 'wait.ts', 'watch.ts', 'batch.ts', 'handle.ts', 'netns.ts', 'pod.ts', 'tuntap.ts'] },
  { layer: 7, what: 'the facade: nothing imports it', files: ['index.ts'] },
];
const FAMILIES = 5;
const FACADE = 'index.ts';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** The layer of a file (relative to lib/, '/'-separated): an exact entry wins over a folder glob. */
function layerOf(file: string): number | undefined {
  for (const l of LAYERS) if (l.files.includes(file)) return l.layer;
  for (const l of LAYERS) for (const f of l.files) if (f.endsWith('/*') && file.startsWith(f.slice(0, -1)) && !file.slice(f.length - 1).includes('/')) return l.layer;
  return undefined;
}

/** Every module specifier a file names: imports of all kinds, re-exports, `import()` calls and `import('…')` types. */
function specifiers(path: string): { spec: string; line: number }[] {
  const src = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { spec: string; line: number }[] = [];
  const add = (n: ts.Node | undefined) => {
    if (n && ts.isStringLiteralLike(n)) out.push({ spec: n.text, line: src.getLineAndCharacterOfPosition(n.getStart()).line + 1 });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) add(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) add(n.moduleReference.expression);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) add(n.arguments[0]);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

interface Edge {
  from: string;
  to: string;
  line: number;
}

const files = sources(lib).map((p) => relative(lib, p).split('\\').join('/'));
const edges: Edge[] = files.flatMap((from) =>
  specifiers(join(lib, from))
    .filter((s) => s.spec.startsWith('.'))
    .map((s) => ({ from, to: posix.normalize(posix.join(posix.dirname(from), s.spec)).replace(/\.js$/, '.ts'), line: s.line })),
);
const show = (e: Edge) => `${e.from}:${e.line} -> ${e.to} (layer ${layerOf(e.from)} -> ${layerOf(e.to)})`;

describe('module layers', () => {
  it('every lib file has a layer, and every import names a lib file', () => {
    expect(files.filter((f) => layerOf(f) === undefined)).toEqual([]);
    expect(edges.filter((e) => !files.includes(e.to)).map(show)).toEqual([]);
  });

  it('imports point to the same or a lower layer', () => {
    expect(edges.filter((e) => layerOf(e.to)! > layerOf(e.from)!).map(show)).toEqual([]);
  });

  it('families never import each other', () => {
    expect(edges.filter((e) => e.from !== e.to && layerOf(e.from) === FAMILIES && layerOf(e.to) === FAMILIES).map(show)).toEqual([]);
  });

  it('nothing imports the facade', () => {
    expect(edges.filter((e) => e.to === FACADE).map(show)).toEqual([]);
  });

  it('no import cycles', () => {
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const walk = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      state.set(f, 'open');
      for (const t of next.get(f) ?? []) walk(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) walk(f, []);
    expect(cycles).toEqual([]);
  });

  it('attribute ids and struct layouts are written only in wire tables', () => {
    // What writes an id or a layout: a table, a struct, a raw attribute header. The engine's own
    // framing (netlink.ts, protocol.ts) and the codec that implements them are exempt.
    const exempt = new Set(['codec.ts', 'netlink.ts', 'protocol.ts']);
    const writers = /\b(attrs|struct)\s*(<[^>]*>)?\s*\(|\bbeginAttr\s*\(|new AttrTable\b/;
    const hits = files
      .filter((f) => !f.startsWith('wire/') && !exempt.has(f))
      .flatMap((f) =>
        readFileSync(join(lib, f), 'utf8')
          .split('\n')
          .map((text, i) => ({ f, i, text }))
          .filter(({ text }) => !/^\s*(\*|\/\/)/.test(text) && writers.test(text)),
      )
      .map(({ f, i, text }) => `${f}:${i + 1}: ${text.trim()}`);
    expect(hits).toEqual([]);
  });
});
