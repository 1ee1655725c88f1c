/**
 * The type test (kernel-free): test/types/*.ts compile with `tsc --noEmit`
 * (every `@ts-expect-error` is used, every positive case compiles), and each
 * expected error is the one named after its `@ts-expect-error` (the file is
 * compiled once more without the directives, and the error on the next line
 * must contain that text), so a misuse fails for its own reason and says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'types');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;

let last: ts.Program | undefined;
/** Diagnostics of the type-test files only (the library is checked as far as they use it; tsc -p covers the rest). */
function compile(override?: Map<string, string>): readonly ts.Diagnostic[] {
  const host = ts.createCompilerHost(config.options);
  if (override) {
    const read = host.readFile.bind(host);
    const get = host.getSourceFile.bind(host);
    host.readFile = (f) => override.get(f) ?? read(f);
    host.getSourceFile = (f, v, e, c) => (override.has(f) ? ts.createSourceFile(f, override.get(f)!, v) : get(f, v, e, c));
  }
  const program = (last = ts.createProgram(files, config.options, host, last));
  return [...program.getOptionsDiagnostics(), ...files.flatMap((f) => { const sf = program.getSourceFile(f)!; return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]; })];
}

const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, '\n');
const where = (d: ts.Diagnostic) => `${d.file?.fileName.slice(dir.length + 1)}:${d.file ? d.file.getLineAndCharacterOfPosition(d.start!).line + 1 : '?'}`;

describe('type test (test/types)', () => {
  it('compiles: every misuse is an error, every use is not', () => {
    expect(compile().map((d) => `${where(d)} ${text(d)}`)).toEqual([]);
  });

  it('each misuse fails with the error its @ts-expect-error names', () => {
    const marks: { file: string; line: number; want: string }[] = [];
    const stripped = new Map<string, string>();
    for (const f of files) {
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((l, i) => {
        const m = /\/\/ @ts-expect-error (.+)$/.exec(l);
        if (m) marks.push({ file: f, line: i + 2, want: m[1].trim() });
      });
      stripped.set(f, lines.map((l) => l.replace('// @ts-expect-error', '// expected:')).join('\n'));
    }
    expect(marks.length).toBeGreaterThanOrEqual(20);
    const diags = compile(stripped);
    const byLine = new Map<string, string[]>();
    for (const d of diags) if (d.file) byLine.set(`${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`, [...(byLine.get(`${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`) ?? []), text(d)]);
    const wrong = marks
      .filter((m) => !(byLine.get(`${m.file}:${m.line}`) ?? []).some((t) => t.includes(m.want)))
      .map((m) => `line ${m.line}: wanted "${m.want}", got ${JSON.stringify(byLine.get(`${m.file}:${m.line}`) ?? [])}`);
    expect(wrong).toEqual([]);
    // No error anywhere else, and none says "not assignable to type 'never'".
    const marked = new Set(marks.map((m) => `${m.file}:${m.line}`));
    expect(diags.filter((d) => !d.file || !marked.has(`${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`)).map(text)).toEqual([]);
    expect(diags.map(text).filter((t) => /assignable to type 'never'/.test(t))).toEqual([]);
  });
});
