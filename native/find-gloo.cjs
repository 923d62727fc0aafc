// Whether the addon can have process groups (native/src/dist.cc): libtorch's c10d Gloo headers
// and Gloo's own headers must both be found (Debian: libtorch-dev and libgloo-dev). Prints what
// binding.gyp asks for: "enabled" (1 or 0) or "libs" (linker flags for Gloo, if a separate library).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const includes = execFileSync(process.execPath, [path.join(__dirname, 'find-libtorch.cjs'), 'include'], { encoding: 'utf8' }).trim().split(/\s+/);
const lib = execFileSync(process.execPath, [path.join(__dirname, 'find-libtorch.cjs'), 'lib'], { encoding: 'utf8' }).trim();
const has = (rel) => [...includes, '/usr/include'].some((d) => fs.existsSync(path.join(d, rel)));
const enabled = process.env.KENSA_NO_DIST !== '1' && has('torch/csrc/distributed/c10d/ProcessGroupGloo.hpp') && has('gloo/config.h');
// Debian's libgloo0 ships only libgloo.so.0 (in /usr/lib); a wheel's libtorch has Gloo built in.
let glooLib = '';
for (const d of [lib, '/usr/lib/x86_64-linux-gnu', '/usr/lib']) {
  if (fs.existsSync(path.join(d, 'libgloo.so'))) { glooLib = `-L${d} -lgloo`; break; }
  if (fs.existsSync(path.join(d, 'libgloo.so.0'))) { glooLib = `-L${d} -l:libgloo.so.0`; break; }
}

const what = process.argv[2];
if (what === 'enabled') console.log(enabled ? '1' : '0');
else if (what === 'libs') console.log(enabled ? glooLib : '');
else throw new Error('usage: find-gloo.cjs enabled|libs');
