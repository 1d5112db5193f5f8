/** The comparison of a real delivery (a capture file) with the preview, shown above the request it was compared with. */
import type { DeliveryDiffParams } from '../src/protocol/messages';
import { h, icon } from './dom';

const FORMAT: Record<DeliveryDiffParams['format'], string> = { har: 'HAR', http: 'raw HTTP', 'webhook.site': 'webhook.site' };

/** The comparison as a banner with one row per difference: where, what and the likely cause. */
export function renderDelivery(delivery: DeliveryDiffParams, close: () => void): HTMLElement {
  const closeButton = h(
    'button',
    { type: 'button', class: 'icon-button', id: 'delivery-close', 'aria-label': 'Close the comparison', title: 'Close' },
    icon('close'),
  );
  closeButton.addEventListener('click', close);
  const count = delivery.differences.length;
  const title = delivery.match ? 'The delivery matches the preview' : `The delivery differs from the preview in ${count} place${count === 1 ? '' : 's'}`;
  const rows = delivery.differences.map((d) =>
    h(
      'li',
      'delivery-row',
      h('div', 'delivery-where', h('span', `tag tag-part`, d.part), h('span', 'mono', d.where)),
      h('div', 'delivery-what mono', d.message),
      h('div', 'delivery-cause', h('span', 'muted', 'Likely cause: '), d.cause),
    ),
  );
  return h(
    'div',
    {
      class: `banner delivery ${delivery.match ? 'banner-info' : 'banner-warning'}`,
      id: 'delivery',
      role: 'region',
      'aria-label': 'Delivery compared with the preview',
    },
    h('div', 'delivery-head', icon(delivery.match ? 'pass' : 'diff'), h('strong', null, title), closeButton),
    h(
      'p',
      'muted delivery-source',
      `${delivery.capture} (${FORMAT[delivery.format] ?? delivery.format}): ${delivery.request} · sample "${delivery.sample}" · transport headers aside`,
    ),
    ...(rows.length > 0 ? [h('ul', { class: 'delivery-list', id: 'delivery-list' }, ...rows)] : []),
    ...delivery.notes.map((n) => h('p', 'muted', n)),
  );
}
