/**
 * Minimal DOM building. Text only ever goes through text nodes; attributes that could run code or
 * style inline (`on…`, `style`, `srcdoc`, `href`, `src`) are refused, because the page's CSP allows
 * neither and data must never reach them.
 */

/** A child of an element: a node, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of an element; `true` sets an empty attribute, false or undefined leaves it out. */
export type Attrs = Record<string, string | number | boolean | undefined>;

const FORBIDDEN_ATTR = /^(?:on|style$|srcdoc$|href$|src$|xlink:href$|formaction$|action$)/i;

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Creates an element with a class, attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | string | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const all: Attrs = typeof attrs === 'string' ? { class: attrs } : (attrs ?? {});
  for (const [name, value] of Object.entries(all)) {
    if (FORBIDDEN_ATTR.test(name)) throw new Error(`attribute ${name} is not allowed`);
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** A codicon glyph, hidden from assistive technology. */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name} ${extraClass}`.trim(), 'aria-hidden': 'true' });
}

/** Replaces the children of a region, keeping keyboard focus on the element with the same `data-focus-key`. */
export function replaceRegion(region: Element, ...children: Child[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && region.contains(active) ? active.dataset.focusKey : undefined;
  region.replaceChildren();
  append(region, children);
  if (key !== undefined) {
    const again = [...region.querySelectorAll<HTMLElement>('[data-focus-key]')].find((e) => e.dataset.focusKey === key);
    again?.focus();
  }
}

/** A two-column table of name/value pairs, with optional badges after each name. */
export function kvTable(
  id: string,
  caption: string,
  rows: ReadonlyArray<{ name: string; value: string; badges?: readonly Node[]; valueClass?: string }>,
): HTMLTableElement {
  return h(
    'table',
    { class: 'kv', id },
    h('caption', 'visually-hidden', caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value'))),
    h(
      'tbody',
      null,
      ...rows.map((row) =>
        h(
          'tr',
          null,
          h('td', 'kv-name', h('span', 'mono', row.name), ...(row.badges ?? [])),
          h('td', row.valueClass ? `kv-value mono ${row.valueClass}` : 'kv-value mono', row.value),
        ),
      ),
    ),
  );
}

/** A section with a heading. */
export function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'section', 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...children);
}

/** A short muted line of text. */
export function note(text: string, extraClass = ''): HTMLParagraphElement {
  return h('p', `note ${extraClass}`.trim(), text);
}
