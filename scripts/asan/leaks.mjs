// Reads LeakSanitizer reports (scripts/asan.sh's log files) and prints the
// leaks that belong to the addon: a leak is the addon's when the first frame of
// its allocation stack outside the sanitizer runtime and the C/C++ runtime
// libraries is code of one of the given modules (the instrumented .node files).
// Everything else is node's or V8's own (much of V8's bookkeeping is referenced
// only from its mmap'd heap pages, which LeakSanitizer does not scan).
// Usage: node leaks.mjs --module PATH [--module PATH…] REPORT…; prints the
// addon's leak records and exits 1 when there is one.
import { readFileSync } from 'node:fs';

const modules = [];
const files = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--module') modules.push(argv[++i]);
  else files.push(argv[i]);
}
// frames end with "(module+0xOFFSET)" (ASAN_OPTIONS stack_trace_format with %M)
const runtime = /\((libasan|libubsan|libstdc\+\+|libc|libm|libgcc_s)\.so[.\d]*\+0x/;
const names = modules.map((m) => `(${m.split('/').pop()}+0x`);

let ours = 0, others = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  // one record: "Direct leak of N byte(s) in M object(s) allocated from:" and its frames
  for (const record of text.split(/\n(?=(?:Direct|Indirect) leak of )/)) {
    if (!/^(Direct|Indirect) leak of /.test(record)) continue;
    const frames = record.split('\n').filter((l) => /^\s+#\d+ /.test(l));
    const first = frames.find((f) => !runtime.test(f));
    if (first && names.some((n) => first.includes(n))) {
      ours++;
      console.log(`--- ${file}\n${record.trimEnd()}\n`);
    } else others++;
  }
}
console.log(`leaks: ${ours} record(s) from the addon, ${others} from node/V8 (ignored)`);
process.exit(ours > 0 ? 1 : 0);
