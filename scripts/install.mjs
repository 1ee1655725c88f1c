// npm's install step (package.json "install"). Uses the prebuilt binary under
// prebuilds/ when one for this platform loads here; otherwise builds the addon
// from source with node-gyp, and when that cannot work, says what is missing
// (python3, make, a C++17 compiler, Node's headers) instead of a node-gyp trace.
// `npm install --build-from-source` (npm_config_build_from_source) skips the
// prebuilt binaries.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, homedir, platform } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const say = (line) => console.error(`rtnetlink: ${line}`);
const libc = process.env.LIBC || (existsSync('/etc/alpine-release') ? 'musl' : 'glibc');
const tag = `${platform()}-${arch()} ${libc}`;

const fromSource = ['true', 'rtnetlink'].some((v) => (process.env.npm_config_build_from_source ?? '').split(',').includes(v));
let why = 'building from source (--build-from-source)';
if (!fromSource) {
  process.env.PREBUILDS_ONLY = '1'; // only prebuilds/: a stale build/ must not stand in for a build
  let file;
  try {
    file = require('node-gyp-build').resolve(root);
    require(file);
    say(`using the prebuilt binary ${relative(root, file)} (${tag})`);
    process.exit(0);
  } catch (e) {
    why = file
      ? `the prebuilt binary ${relative(root, file)} does not load here (${String(e.message).split('\n')[0]}); building from source`
      : `no prebuilt binary for ${tag} (prebuilt: linux-x64 and linux-arm64, glibc >= 2.17 or musl); building from source`;
  }
}
say(why);

/** The first of `names` found on PATH, or null. */
function which(...names) {
  for (const n of names.filter(Boolean)) {
    if (n.includes('/')) { if (existsSync(n)) return n; continue; }
    for (const d of (process.env.PATH ?? '').split(delimiter)) if (d && existsSync(join(d, n))) return join(d, n);
  }
  return null;
}
const runs = (cmd, args, input) => spawnSync(cmd, args, { input, stdio: ['pipe', 'ignore', 'ignore'] }).status === 0;

const missing = [];
const python = which(process.env.npm_config_python, process.env.PYTHON, 'python3', 'python');
if (!python || !runs(python, ['-c', 'import sys; sys.exit(sys.version_info < (3, 6))']))
  missing.push('python3 (node-gyp runs gyp with it; or set npm_config_python)');
if (!which(process.env.npm_config_make, 'make')) missing.push('make');
const cxx = which(...(process.env.CXX ? process.env.CXX.split(' ').slice(0, 1) : []), 'c++', 'g++', 'clang++');
if (!cxx) missing.push('a C++17 compiler (g++ or clang++; or set CXX)');
else if (!runs(cxx, ['-std=c++17', '-fsyntax-only', '-x', 'c++', '-'], 'template <class T> constexpr bool f() { if constexpr (sizeof(T) > 0) return true; else return false; }\n'))
  missing.push(`a C++17 compiler (${cxx} does not compile -std=c++17)`);

// node-gyp's headers: --nodedir / npm_config_nodedir, else its cache, else a download.
const nodedir = process.env.npm_config_nodedir;
const cache = join(process.env.npm_config_devdir || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'node-gyp'), process.versions.node);
let headers = null;
if (nodedir) {
  if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) missing.push(`Node's headers (npm_config_nodedir=${nodedir} has no include/node/node_api.h)`);
} else if (!existsSync(join(cache, 'include', 'node', 'node_api.h'))) {
  const local = ['/usr', '/usr/local', resolve(dirname(process.execPath), '..')].find((d) => existsSync(join(d, 'include', 'node', 'node_api.h')));
  headers = local
    ? `Node's headers are in ${local}/include/node but node-gyp does not look there: set npm_config_nodedir=${local}`
    : `Node's headers: none in node-gyp's cache (${cache}); node-gyp downloads them (needs the network), or set npm_config_nodedir to a Node tree with include/node`;
}

function explain(what) {
  say(`cannot build the native addon from source for ${tag}: ${what}`);
  say('a source build needs: python3, make, a C++17 compiler (g++ >= 8 or clang++ >= 7) and Node\'s headers');
  say('  (npm_config_nodedir=DIR with DIR/include/node, or node-gyp downloads them); on Debian/Ubuntu:');
  say('  apt-get install python3 make g++   (and libnode-dev, then npm_config_nodedir=/usr)');
  say('or install on a platform with a prebuilt binary: linux-x64, linux-arm64 (glibc >= 2.17, or musl)');
}

if (missing.length) {
  explain(`missing ${missing.join('; ')}${headers ? `; ${headers}` : ''}`);
  process.exit(1);
}

const gyp = process.env.npm_config_node_gyp // npm's own node-gyp, set for install scripts
  ? [process.execPath, process.env.npm_config_node_gyp]
  : (() => {
      try {
        return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
      } catch {
        return which('node-gyp') ? ['node-gyp'] : null;
      }
    })();
if (!gyp) {
  explain('node-gyp not found (npm ships one; or npm install -g node-gyp)');
  process.exit(1);
}
const r = spawnSync(gyp[0], [...gyp.slice(1), 'rebuild'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  explain(`node-gyp rebuild failed (exit ${r.status ?? r.signal})${headers ? `; ${headers}` : ''}`);
  process.exit(1);
}
