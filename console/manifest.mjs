// Writes ../graph/console_assets/build.json after `vite build`: the versions the bundle was
// built from (as package-lock.json resolved them), the lockfile's digest and every built
// file's digest. tests/graph/test_console.py checks it against the sources and the files.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const OUT = new URL('../graph/console_assets/', import.meta.url).pathname;
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const lockText = readFileSync(new URL('./package-lock.json', import.meta.url));
const lock = JSON.parse(lockText);
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url)));

const versions = {};
for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
  versions[name] = lock.packages[`node_modules/${name}`].version;
}
for (const name of ['monaco-editor', 'monaco-graphql', 'graphiql-explorer']) {
  versions[name] = lock.packages[`node_modules/${name}`]?.version
    ?? lock.packages[`node_modules/@graphiql/plugin-explorer/node_modules/${name}`]?.version;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const files = {};
for (const path of walk(OUT).sort()) {
  const name = relative(OUT, path).split('\\').join('/');
  if (name !== 'build.json') files[name] = sha256(readFileSync(path));
}

const manifest = { versions, lockfile_sha256: sha256(lockText), files };
writeFileSync(join(OUT, 'build.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote build.json: ${Object.keys(files).length} files`);
