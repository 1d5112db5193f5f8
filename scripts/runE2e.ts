// Runs the e2e files one after another. A file that fails is run once more: these tests drive a real
// workbench in a browser on a small shared machine, where a notification or a slow repaint can steal
// one keystroke. A file that fails twice fails the run. Prints the totals of the last attempts.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', 'test', 'e2e');
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join('test', 'e2e', f));

function count(output: string, what: 'pass' | 'fail'): number {
  const m = new RegExp(`^ℹ ${what} (\\d+)$`, 'm').exec(output);
  return m ? Number(m[1]) : 0;
}

let passed = 0;
let failed = 0;
const retried: string[] = [];
for (const file of files) {
  for (let attempt = 1; attempt <= 2; attempt++) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
    process.stdout.write(run.stdout);
    const ok = run.status === 0;
    if (ok || attempt === 2) {
      passed += count(run.stdout, 'pass');
      failed += count(run.stdout, 'fail') + (ok || count(run.stdout, 'fail') > 0 ? 0 : 1);
      break;
    }
    retried.push(file);
    process.stdout.write(`\n${file} failed; running it once more\n\n`);
  }
}
if (retried.length > 0) console.log(`\nretried once: ${retried.join(', ')}`);
console.log(`\ne2e: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
