import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

interface Command {
  command: string;
  title: string;
  category?: string;
}
interface Setting {
  scope?: string;
  description?: string;
  markdownDescription?: string;
  enum?: string[];
  enumDescriptions?: string[];
}
interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}
interface Manifest {
  displayName: string;
  description: string;
  contributes: {
    commands: Command[];
    menus: Record<string, Array<{ command: string }>>;
    keybindings: Array<{ command: string }>;
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsWelcome: Array<{ view: string; contents: string }>;
    configuration: { title: string; properties: Record<string, Setting> };
    walkthroughs: Array<{ id: string; title: string; description: string; steps: Step[] }>;
  };
  capabilities: { untrustedWorkspaces: { description: string } };
}

const PLACEHOLDER = /^%([^%]+)%$/;

/** Every string value of a JSON value, with its path. */
function strings(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

/** A manifest string as VS Code shows it: `%key%` looked up in package.nls.json. */
function resolve(value: string | undefined): string | undefined {
  const key = value === undefined ? undefined : PLACEHOLDER.exec(value)?.[1];
  return key === undefined ? value : nls[key];
}

/** Commands named by `command:` links in a text, with their decoded arguments. */
function commandLinks(text: string): Array<{ command: string; args: unknown[] }> {
  return [...text.matchAll(/\(command:(?:toSide:)?([\w.]+)(?:\?([^)\s]+))?\)/g)].map((m) => {
    const args: unknown = m[2] ? JSON.parse(decodeURIComponent(m[2])) : [];
    return { command: m[1] as string, args: Array.isArray(args) ? args : [args] };
  });
}

const c = manifest.contributes;
const commandIds = new Set(c.commands.map((x) => x.command));
const walkthrough = c.walkthroughs[0];

describe('package.nls.json', () => {
  const used = strings(manifest).flatMap(([path, value]) => {
    const key = PLACEHOLDER.exec(value)?.[1];
    return key === undefined ? [] : [{ path, key }];
  });

  test('every %key% of package.json has a non-empty translation', () => {
    assert.deepEqual(
      used.filter(({ key }) => !nls[key]?.trim()).map(({ path, key }) => `${path}: %${key}%`),
      [],
    );
  });

  test('every key of package.nls.json is used', () => {
    const keys = new Set(used.map((u) => u.key));
    assert.deepEqual(
      Object.keys(nls).filter((k) => !keys.has(k)),
      [],
    );
  });

  const userVisible: Array<[string, string[]]> = [
    ['the display name and description', [manifest.displayName, manifest.description]],
    ['command titles and categories', c.commands.flatMap((x) => [x.title, x.category ?? ''])],
    [
      'view names',
      Object.values(c.views)
        .flat()
        .map((v) => v.name),
    ],
    ['view welcome texts', c.viewsWelcome.map((w) => w.contents)],
    [
      'the settings title, descriptions and enum descriptions',
      [
        c.configuration.title,
        ...Object.values(c.configuration.properties).flatMap((p) => [p.description ?? p.markdownDescription ?? '', ...(p.enumDescriptions ?? [])]),
      ],
    ],
    ['walkthrough titles and descriptions', c.walkthroughs.flatMap((w) => [w.title, w.description, ...w.steps.flatMap((s) => [s.title, s.description])])],
    ['the Restricted Mode description', [manifest.capabilities.untrustedWorkspaces.description]],
  ];
  for (const [what, values] of userVisible) {
    test(`${what} come from package.nls.json`, () => {
      assert.deepEqual(
        values.filter((v) => !PLACEHOLDER.test(v)),
        [],
      );
    });
  }
});

describe('contributed commands and settings', () => {
  test('every command has the category Webhook Studio and a title', () => {
    assert.deepEqual(
      c.commands.filter((x) => resolve(x.category) !== 'Webhook Studio' || !resolve(x.title)).map((x) => x.command),
      [],
    );
  });

  test('command ids are unique and follow webhookStudio.verbNoun', () => {
    assert.equal(commandIds.size, c.commands.length);
    assert.deepEqual(
      c.commands.map((x) => x.command).filter((id) => !/^webhookStudio\.[a-z]+[A-Za-z]*$/.test(id)),
      [],
    );
  });

  test('every setting has a scope and a description', () => {
    const bad = Object.entries(c.configuration.properties).filter(([, p]) => !p.scope || !resolve(p.description ?? p.markdownDescription)?.trim());
    assert.deepEqual(
      bad.map(([name]) => name),
      [],
    );
  });

  test('every enum setting describes each of its values', () => {
    const bad = Object.entries(c.configuration.properties).filter(([, p]) => p.enum && p.enumDescriptions?.length !== p.enum.length);
    assert.deepEqual(
      bad.map(([name]) => name),
      [],
    );
  });

  test('every command a menu, a key binding or a link names is contributed', () => {
    const referenced = [
      ...Object.entries(c.menus).flatMap(([menu, items]) => items.map((i) => [`menus.${menu}`, i.command])),
      ...c.keybindings.map((k) => ['keybindings', k.command]),
      ...Object.entries(nls).flatMap(([key, text]) =>
        commandLinks(text)
          .filter((l) => l.command.startsWith('webhookStudio.'))
          .map((l) => [key, l.command]),
      ),
      ...(walkthrough?.steps ?? []).flatMap((s) =>
        (s.completionEvents ?? [])
          .filter((e) => e.startsWith('onCommand:webhookStudio.'))
          .map((e) => [`${s.id}.completionEvents`, e.slice('onCommand:'.length)]),
      ),
    ];
    assert.ok(referenced.length > 20, `only ${referenced.length} references found`);
    assert.deepEqual(
      referenced.filter(([, id]) => !commandIds.has(id as string)),
      [],
    );
  });
});

describe('the walkthrough', () => {
  test('exists with steps', () => {
    assert.ok(walkthrough, 'contributes.walkthroughs is empty');
    assert.ok(walkthrough.steps.length >= 6);
  });

  for (const step of walkthrough?.steps ?? []) {
    test(`step ${step.id} has media, one button that runs itself and a completion event for that button`, () => {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(join(root, media)), `media ${media} of ${step.id} is missing`);
      const links = commandLinks(resolve(step.description) ?? '');
      assert.equal(links.length, 1, `${step.id}: ${JSON.stringify(links)}`);
      assert.deepEqual([links[0]?.command, links[0]?.args[0]], ['webhookStudio.runWalkthroughStep', step.id]);
      assert.ok(step.completionEvents?.includes(`onContext:webhookStudio.walkthrough.${step.id}Done`), `${step.id} does not complete when its button succeeds`);
    });
  }
});
