/**
 * Docs where people type (kernel-free): the TypeScript language service, as
 * an editor runs it, shows each family method's own doc comment and real
 * signature on hover (`nl.link.set`, `nl.route.add`, `nl.netns.listIds`, …),
 * not a mapped type without docs.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sample = join(root, 'test', '__hover__.ts');

// What a user writes; `/*@name*/` marks the identifier to hover.
const code = `
import { open, netns } from '../lib/index.js';
const nl = await open();
await nl.link./*@link.set*/set('veth0', { up: true });
await nl.route./*@route.add*/add({ dst: '10.9.0.0/16', via: '10.0.0.254' });
await nl.netns./*@netns.listIds*/listIds();
nl.sync.link./*@sync.link.list*/list();
await nl.address./*@address.add*/add({ dev: 'br0', address: '10.0.0.1/24' });
await nl.rule./*@rule.add*/add({ table: 100, from: '10.1.0.0/16' });
await nl.neigh./*@neigh.get*/get({ dev: 'br0', address: '10.0.0.7' });
await nl.tc.qdisc./*@tc.qdisc.add*/add({ dev: 'eth0', kind: 'htb', handle: '1:' });
await nl.tc.filter./*@tc.filter.add*/add({ dev: 'eth0', parent: '1:', kind: 'matchall' });
nl.sync.tc.class./*@sync.tc.class.list*/list({ dev: 'eth0' });
await nl.pod./*@pod.add*/add({ netns: 'p', hostIfname: 'v' });
await nl./*@batch*/batch((b) => [b.route./*@batch.route.add*/add({ dst: '10.9.0.0/16', dev: 'veth0' })]);
await netns./*@netns.add*/add('blue');
`;

function service(): ts.LanguageService {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [sample],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const text = f === sample ? code : ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === sample || ts.sys.fileExists(f),
    readFile: (f) => (f === sample ? code : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

const ls = service();

function hover(mark: string): { display: string; docs: string; tags: string } {
  const at = code.indexOf(`/*@${mark}*/`);
  if (at < 0) throw new Error(`no mark ${mark}`);
  const info = ls.getQuickInfoAtPosition(sample, at + `/*@${mark}*/`.length);
  return {
    display: ts.displayPartsToString(info?.displayParts),
    docs: ts.displayPartsToString(info?.documentation),
    tags: (info?.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`).join('\n'),
  };
}

// mark → what the hover must show: the `ip`/`tc` equivalent in the doc, a signature fragment
const expected: [mark: string, doc: string, signature: string][] = [
  ['link.set', 'ip link set DEV', 'set(dev: LinkRef | LinkGroupTarget, changes: LinkSetOptions | LinkGroupSetOptions, call?: CallOptions): Promise<void>'],
  ['route.add', 'ip route add', 'add(options: RouteOptions, call?: CallOptions): Promise<void>'],
  ['netns.listIds', 'ip netns list-id', 'listIds(options?: {'],
  ['sync.link.list', 'ip -d -s link show', 'list(filter?: LinkListFilter, call?: CallOptions): Link[]'],
  ['address.add', 'ip address add', 'add(options: AddressOptions, call?: CallOptions): Promise<void>'],
  ['rule.add', 'ip rule add', 'add(options: RuleOptions, call?: CallOptions): Promise<void>'],
  ['neigh.get', 'ip neigh get', 'get(options: NeighOptions, call?: CallOptions): Promise<Neighbour>'],
  ['tc.qdisc.add', 'tc qdisc add', 'add(options: QdiscOptions, call?: CallOptions): Promise<{'],
  ['tc.filter.add', 'tc filter add', 'add(options: FilterOptions, call?: CallOptions): Promise<{'],
  ['sync.tc.class.list', 'tc -s class show', 'list(filter?: ClassFilter, call?: CallOptions): TcClass[]'],
  ['pod.add', 'ip link add HOST', 'add(options: PodAddOptions, call?: CallOptions): Promise<PodInfo>'],
  ['batch', 'ip -batch', 'batch<'],
  ['batch.route.add', 'ip route add', 'add(options: RouteOptions): BatchToken<void>'],
  ['netns.add', 'ip netns add', 'add('],
];

describe('editor hovers (TypeScript language service)', () => {
  it('the sample compiles against the library', () => {
    const diags = [...ls.getSyntacticDiagnostics(sample), ...ls.getSemanticDiagnostics(sample)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diags).toEqual([]);
  });

  it.each(expected)('%s shows its doc comment and signature', (mark, doc, signature) => {
    const h = hover(mark);
    expect(h.docs, `doc of ${mark}`).toContain(doc);
    expect(h.display.replace(/\s+/g, ' ').replaceAll(' | undefined', ''), `signature of ${mark}`).toContain(signature);
    expect(h.display).not.toMatch(/AsyncOps|SyncOps|Recorder/);
  });

  it('every method of every declared family interface has a doc comment naming its ip/tc equivalent and an example', () => {
    const program = ls.getProgram()!;
    const file = program.getSourceFile(join(root, 'lib', 'api.ts'))!;
    const missing: string[] = [];
    let methods = 0;
    ts.forEachChild(file, (n) => {
      if (!ts.isInterfaceDeclaration(n) || !n.name.text.endsWith('Api')) return;
      for (const m of n.members) {
        if (!ts.isMethodSignature(m)) continue;
        methods++;
        const name = `${n.name.text}.${(m.name as ts.Identifier).text}`;
        const jsdoc = ts.getJSDocCommentsAndTags(m).map((d) => d.getText()).join('\n');
        if (!/Equivalent to[^`]*`(ip|tc|bridge) /.test(jsdoc)) missing.push(`${name}: no "Equivalent to \`ip …\`"`);
        if (!/@example/.test(jsdoc)) missing.push(`${name}: no @example`);
      }
    });
    expect(methods).toBeGreaterThan(60);
    expect(missing).toEqual([]);
  });

});
