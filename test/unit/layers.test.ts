import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? tsFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

test('src/core imports neither vscode nor DOM types', () => {
  const offenders = tsFiles('src/core').filter((file) => {
    const text = readFileSync(file, 'utf8');
    return /from\s+['"]vscode['"]|require\(['"]vscode['"]\)|\/\/\/\s*<reference\s+lib=["']dom/i.test(text);
  });
  assert.deepEqual(offenders, []);
});

test('webview imports only src/protocol from the source tree', () => {
  const offenders = tsFiles('webview').filter((file) =>
    /from\s+['"](\.\.\/)+src\/(core|extension|cli)/.test(readFileSync(file, 'utf8')),
  );
  assert.deepEqual(offenders, []);
});
