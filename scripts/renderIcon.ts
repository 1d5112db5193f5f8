// Renders media/icon.svg to the PNG the marketplace and the Extensions view show (128×128), in Chromium,
// so the picture is drawn from a text source anyone can edit.
// Usage: node --import tsx scripts/renderIcon.ts [--size N] [--out FILE]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchBrowser, repoRoot } from './vscodeServer';

/** The SVG source of the icon. */
export const iconSource = join(repoRoot, 'media', 'icon.svg');

/** The PNG the manifest's `icon` names. */
export const iconPng = join(repoRoot, 'media', 'icon.png');

/** Renders `svgFile` to a square PNG of `size` pixels with a transparent background. */
export async function renderSvg(svgFile: string, outFile: string, size: number): Promise<{ ok: true } | { ok: false; error: string }> {
  const svg = readFileSync(svgFile, 'utf8').replace(/<svg\b([^>]*?)\swidth="\d+"\sheight="\d+"/, `<svg$1 width="${size}" height="${size}"`);
  const launched = await launchBrowser();
  if (!launched.ok) return launched;
  try {
    const page = await launched.value.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: outFile, omitBackground: true });
    return { ok: true };
  } finally {
    await launched.value.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const size = Number(option(args, '--size') ?? 128);
  const out = resolve(option(args, '--out') ?? iconPng);
  renderSvg(iconSource, out, size).then(
    (res) => {
      if (!res.ok) {
        console.error(res.error);
        process.exit(1);
      }
      console.log(`${out} (${size}×${size})`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
