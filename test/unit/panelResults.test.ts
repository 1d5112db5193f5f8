import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultStore } from '../../src/extension/panel/results';
import type { ResultParams } from '../../src/protocol/messages';
import { ok200 } from '../e2e/panelHarness/fixtures';

function result(fileUri: string, sampleId: string, id: string): ResultParams {
  return { owner: { fileUri, sampleId }, record: { ...ok200.record, id } };
}

describe('ResultStore keeps the last result of each file and sample', () => {
  test('a file and a sample are one pair: neither another file nor another sample sees it', () => {
    const store = new ResultStore();
    store.set(result('file:///w/lead.webhook.json', 'jane', 'rec_42'));
    assert.equal(store.get({ fileUri: 'file:///w/lead.webhook.json', sampleId: 'jane' })?.record.id, 'rec_42');
    assert.equal(store.get({ fileUri: 'file:///w/other.webhook.json', sampleId: 'jane' }), undefined);
    assert.equal(store.get({ fileUri: 'file:///w/lead.webhook.json', sampleId: 'zoe' }), undefined);
  });

  test('a pair whose parts run together is still its own pair', () => {
    const store = new ResultStore();
    store.set(result('file:///w/a', 'b|c', 'one'));
    assert.equal(store.get({ fileUri: 'file:///w/a|b', sampleId: 'c' }), undefined);
  });

  test('a newer result replaces the older one of its pair', () => {
    const store = new ResultStore();
    store.set(result('f', 's', 'old'));
    store.set(result('f', 's', 'new'));
    assert.equal(store.get({ fileUri: 'f', sampleId: 's' })?.record.id, 'new');
    assert.equal(store.size, 1);
  });

  test('past its size the pair set longest ago is forgotten first', () => {
    const store = new ResultStore(3);
    for (const f of ['a', 'b', 'c']) store.set(result(f, 's', f));
    store.set(result('a', 's', 'a2'));
    store.set(result('d', 's', 'd'));
    assert.equal(store.size, 3);
    assert.equal(store.get({ fileUri: 'b', sampleId: 's' }), undefined, 'b was set longest ago');
    assert.deepEqual(
      ['a', 'c', 'd'].map((f) => store.get({ fileUri: f, sampleId: 's' })?.record.id),
      ['a2', 'c', 'd'],
    );
  });
});
