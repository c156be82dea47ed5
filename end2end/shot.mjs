import { launch, newPage, login, open, shot } from './tests/helpers.mjs';
const b = await launch();
const p = await newPage(b);
await login(p, process.argv[2] ?? 'manager');
for (const path of process.argv.slice(3)) {
  await open(p, path);
  await p.waitForTimeout(800);
  const name = path.replace(/[^a-z0-9]+/gi, '_');
  await shot(p, 'dbg' + name);
  console.log(path, p.errors);
}
await b.close();
