// Locates libtorch the way tch-rs does: $LIBTORCH may point at an unpacked libtorch or at an
// installed PyTorch package directory (both hold include/ and lib/); otherwise Debian's
// libtorch-dev layout is used. Prints what binding.gyp asks for: "include", "lib" or "cuda".
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function locate() {
  const root = process.env.LIBTORCH;
  if (root) {
    const include = path.join(root, 'include');
    const lib = path.join(root, 'lib');
    if (!fs.existsSync(path.join(include, 'ATen', 'ATen.h'))) {
      throw new Error(`LIBTORCH=${root}: no include/ATen/ATen.h there`);
    }
    return { include: [include, path.join(include, 'torch', 'csrc', 'api', 'include')], lib };
  }
  if (!fs.existsSync('/usr/include/ATen/ATen.h')) {
    throw new Error('libtorch not found: install Debian\'s libtorch-dev (apt-get install libtorch-dev) or set LIBTORCH');
  }
  return { include: ['/usr/include', '/usr/include/torch/csrc/api/include'], lib: '/usr/lib/x86_64-linux-gnu' };
}

const what = process.argv[2];
const found = locate();
if (what === 'include') console.log(found.include.join(' '));
else if (what === 'lib') console.log(found.lib);
else if (what === 'cuda') console.log(fs.existsSync(path.join(found.lib, 'libtorch_cuda.so')) ? '1' : '0');
else throw new Error('usage: find-libtorch.cjs include|lib|cuda');
