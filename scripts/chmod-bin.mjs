#!/usr/bin/env node
// Gives every bin listed in package.json its run bit (tsc writes files 0644, so a rebuild would
// leave `kensa` unrunnable) and checks that each starts with a #!/usr/bin/env node line.
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
for (const [name, rel] of Object.entries(bins)) {
  const file = join(root, rel);
  if (!existsSync(file)) {
    console.error(`chmod-bin: bin ${name} (${rel}) was not built`);
    process.exit(1);
  }
  if (!readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')) {
    console.error(`chmod-bin: bin ${name} (${rel}) does not start with #!/usr/bin/env node`);
    process.exit(1);
  }
  chmodSync(file, statSync(file).mode | 0o111);
}
