// Prints Spectral's findings grouped by severity and rule (errors in full), then "ERRORS WARNINGS" as the last line.
import { readFileSync } from 'node:fs';

const findings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const names = ['error', 'warning', 'info', 'hint'];
const byRule = new Map();
let shown = 0;
for (const f of findings) {
  const key = `${names[f.severity]} ${f.code}`;
  byRule.set(key, (byRule.get(key) ?? 0) + 1);
  if (f.severity === 0 && shown++ < 40) {
    console.log(`    error ${f.code} at ${f.path.join('.')}: ${f.message}`);
  }
}
for (const [key, count] of [...byRule].sort()) {
  console.log(`    ${String(count).padStart(5)}  ${key}`);
}
const count = (s) => findings.filter((f) => f.severity === s).length;
console.log(`${count(0)} ${count(1)}`);
