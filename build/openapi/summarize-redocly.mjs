// Prints Redocly's problems grouped by severity and rule (errors in full), then "ERRORS WARNINGS" as the last line.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const problems = report.problems ?? [];
const byRule = new Map();
let shown = 0;
for (const p of problems) {
  const key = `${p.severity} ${p.ruleId}`;
  byRule.set(key, (byRule.get(key) ?? 0) + 1);
  if (p.severity === 'error' && shown++ < 40) {
    const where = (p.location ?? []).map((l) => l.pointer).join(', ');
    console.log(`    error ${p.ruleId} at ${where}: ${p.message}`);
  }
}
for (const [key, count] of [...byRule].sort()) {
  console.log(`    ${String(count).padStart(5)}  ${key}`);
}
const count = (s) => problems.filter((p) => p.severity === s).length;
console.log(`${count('error')} ${count('warn')}`);
