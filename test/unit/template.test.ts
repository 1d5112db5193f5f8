import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../src/core/template';
import { parseActionDocument, fileRange, templateAt } from '../../src/core/document';
import { decodeJsonString, LineIndex } from '../../src/core/text';

describe('tokenize', () => {
  const cases: Array<[string, string, Array<[string, string]>]> = [
    ['plain path', 'Hi {{contact.first_name}}!', [['variable', 'contact.first_name']]],
    ['whitespace inside braces ignored', '{{  contact.email\t}}', [['variable', 'contact.email']]],
    [
      'indexes',
      '{{contact.tags[0]}} {{a.b[1][2].c}}',
      [
        ['variable', 'contact.tags[0]'],
        ['variable', 'a.b[1][2].c'],
      ],
    ],
    ['hyphen and underscore in names', '{{custom_values.support-email}}', [['variable', 'custom_values.support-email']]],
    ['filter is unsupported', '{{contact.name | default: "x"}}', [['unsupported', '{{contact.name | default: "x"}}']]],
    ['space in a name is unsupported', '{{contact.first name}}', [['unsupported', '{{contact.first name}}']]],
    ['empty braces are unsupported', '{{}}', [['unsupported', '{{}}']]],
    ['trailing dot is unsupported', '{{contact.}}', [['unsupported', '{{contact.}}']]],
    ['leading digit is unsupported', '{{1contact}}', [['unsupported', '{{1contact}}']]],
    ['unclosed', 'Hello {{contact.first_name', [['unclosed', '{{']]],
    [
      'closed then unclosed',
      '{{a.b}} and {{c',
      [
        ['variable', 'a.b'],
        ['unclosed', '{{'],
      ],
    ],
    ['single braces are text', '{contact} }}', []],
    ['triple braces are unsupported', '{{{contact.id}}}', [['unsupported', '{{{contact.id}}']]],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      const got = tokenize(input).map((t) => [t.kind, t.kind === 'variable' ? t.path : t.raw]);
      assert.deepEqual(got, expected);
    });
  }

  test('segment offsets point at each segment', () => {
    const s = 'x {{ contact.tags[1] }}';
    const [t] = tokenize(s);
    assert.equal(t?.kind, 'variable');
    if (t?.kind !== 'variable') return;
    assert.deepEqual(
      t.segments.map((g) => s.slice(g.start, g.end)),
      ['contact', 'tags[1]'],
    );
    assert.deepEqual(t.segments[1]!.indexes, [1]);
  });
});

describe('ranges in the file', () => {
  test('template ranges account for JSON escapes before them', () => {
    const text = '{"url": "https://x/\\"q\\u00e9\\n{{contact.id}}"}';
    const doc = parseActionDocument(text);
    const ts = doc.templated[0]!;
    const token = ts.tokens[0]!;
    const r = fileRange(ts, token.start, token.end);
    assert.equal(text.slice(r.start, r.end), '{{contact.id}}');
  });

  test('decodeJsonString maps every unit to its source offset', () => {
    const text = '"a\\tb\\u0041c"';
    const d = decodeJsonString(text, 0, text.length);
    assert.equal(d.value, 'a\tbAc');
    assert.deepEqual([...d.offsets], [1, 2, 4, 5, 11, 12]);
  });

  test('templateAt finds the token and segment under the cursor', () => {
    const text = '{"body": {"a": "Hi {{contact.first_name}}"}}';
    const doc = parseActionDocument(text);
    const at = templateAt(doc, text.indexOf('first_name') + 2);
    assert.equal(at?.token?.kind, 'variable');
    assert.equal(at?.segment, 1);
  });

  test('templateAt reports what is being typed after {{', () => {
    const text = '{"body": {"a": "Hi {{contact.fi"}}';
    const doc = parseActionDocument(text);
    const at = templateAt(doc, text.indexOf('fi"') + 2);
    assert.deepEqual(at?.typing?.text, 'contact.fi');
  });

  test('templateAt ignores property keys', () => {
    const text = '{"body": {"{{contact.id}}": "x"}}';
    const doc = parseActionDocument(text);
    assert.equal(templateAt(doc, text.indexOf('contact')), undefined);
  });
});

describe('LineIndex', () => {
  test('positions across LF, CRLF and CR line ends', () => {
    const li = new LineIndex('ab\ncd\r\nef\rgh');
    assert.deepEqual(li.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(li.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(li.positionAt(7), { line: 2, character: 0 });
    assert.deepEqual(li.positionAt(10), { line: 3, character: 0 });
    assert.equal(li.offsetAt({ line: 2, character: 1 }), 8);
  });
});

describe('a lone string literal', () => {
  test('templateAt works on a document that is just the literal under the cursor', () => {
    const literal = '"Hi {{contact.first_name}} and {{contact.fi"';
    const doc = parseActionDocument(literal);
    assert.equal(templateAt(doc, literal.indexOf('first_name') + 1)?.segment, 1);
    assert.deepEqual(templateAt(doc, literal.length - 1)?.typing?.text, 'contact.fi');
  });
});
