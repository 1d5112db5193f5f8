import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseActionDocument } from '../../src/core/document';
import { EXAMPLE_ACTION_FILE, EXAMPLE_SAMPLE_FILE, EXAMPLE_SECRET, EXAMPLE_VARIABLE, exampleActionText, exampleSampleText } from '../../src/core/exampleFiles';
import { parseJsonc } from '../../src/core/jsonc';
import { lint } from '../../src/core/lint';
import { render } from '../../src/core/render';
import { parseSample } from '../../src/core/sample';
import { validateSchema } from '../../src/core/schemaValidation';
import { options } from './helpers/core';

describe('the walkthrough example', () => {
  const parsed = parseSample(exampleSampleText(), EXAMPLE_SAMPLE_FILE);
  const sample = parsed.sample;

  test('file names match the patterns the extension registers', () => {
    assert.match(EXAMPLE_ACTION_FILE, /\.webhook\.json$/);
    assert.match(EXAMPLE_SAMPLE_FILE, /\.sample\.json$/);
  });

  test('the sample parses and satisfies the sample schema', () => {
    assert.deepEqual(parsed.diagnostics, []);
    assert.ok(sample);
    assert.deepEqual(validateSchema('sample', parseJsonc(exampleSampleText()).root), []);
  });

  test('the action satisfies the action schema, comments included', () => {
    assert.deepEqual(validateSchema('action', parseJsonc(exampleActionText()).root), []);
  });

  test('the action lints without errors or warnings against its sample once the secret is set', () => {
    assert.ok(sample);
    const result = lint(parseActionDocument(exampleActionText()), {
      samples: [sample],
      selected: sample,
      options: options({ secretValues: { [EXAMPLE_SECRET]: 'tok' } }),
      secretExists: (n) => n === EXAMPLE_SECRET,
    });
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code),
      [],
    );
  });

  test('without the secret, the one warning is the missing secret the walkthrough asks to set', () => {
    assert.ok(sample);
    const result = lint(parseActionDocument(exampleActionText()), { samples: [sample], selected: sample, options: options(), secretExists: () => false });
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code),
      ['missing-secret'],
    );
  });

  test('renders every variable from the sample, the hover step variable included', () => {
    assert.ok(sample);
    const text = exampleActionText();
    assert.ok(text.includes(`{{${EXAMPLE_VARIABLE}}}`), 'the hover step points at a variable the file holds');
    const result = render(parseActionDocument(text), sample, options({ secretValues: { [EXAMPLE_SECRET]: 'tok' } }));
    assert.deepEqual(result.unresolved, []);
    assert.equal(result.request.url, 'https://api.example.com/v1/leads/c_1815?source=welcome');
    const body = JSON.parse(result.request.body ?? '') as Record<string, unknown>;
    assert.equal(body['first_name'], 'Ada');
    assert.deepEqual(body['deal'], { stage: 'Proposal', value: '1843' });
  });
});
