// DOM building blocks. Data from the API (document text, answers, titles) only ever becomes text nodes:
// nothing here parses a string as HTML, so markup inside a document is shown, never run.

/** Create an element; string/number children become text nodes, null/false children are skipped. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'className') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** The document view URL, highlighting [start, end) when given. */
export function viewHref(docId, start, end) {
  const url = `/view/${encodeURIComponent(docId)}`;
  if (Number.isInteger(start) && Number.isInteger(end) && end > start) return `${url}?start=${start}&end=${end}`;
  return url;
}

/** Clip, sort and merge [start, end) ranges to 0..length. */
export function normalizeRanges(ranges, length) {
  const clipped = ranges
    .map(({ start, end, ...rest }) => ({ ...rest, start: Math.max(0, start), end: Math.min(length, end) }))
    .filter((range) => range.end > range.start)
    .sort((a, b) => a.start - b.start);
  const merged = [];
  for (const range of clipped) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) {
      last.end = Math.max(last.end, range.end);
      last.ids = [...last.ids, ...(range.ids || [])];
    } else {
      merged.push({ ...range, ids: [...(range.ids || [])] });
    }
  }
  return merged;
}

/**
 * `text` as a fragment with <mark> around each range ({start, end, ids?} relative to `text`).
 * The first id of a range becomes the mark's id so links can point at it.
 */
export function highlighted(text, ranges) {
  const fragment = document.createDocumentFragment();
  let position = 0;
  for (const range of normalizeRanges(ranges, text.length)) {
    if (range.start > position) fragment.append(text.slice(position, range.start));
    const mark = el('mark', { id: range.ids[0] || null }, text.slice(range.start, range.end));
    fragment.append(mark);
    position = range.end;
  }
  if (position < text.length) fragment.append(text.slice(position));
  return fragment;
}

const MARKERS = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/**
 * The answer text with each [n] (or [n, m]) turned into links built by makeLink(citation, n).
 * Markers without a citation stay as plain text.
 */
export function answerWithMarkers(text, citations, makeLink) {
  const byMarker = new Map(citations.map((citation) => [citation.marker, citation]));
  const fragment = document.createDocumentFragment();
  let position = 0;
  for (const match of text.matchAll(MARKERS)) {
    const numbers = match[1].split(',').map((part) => Number(part.trim()));
    if (!numbers.some((n) => byMarker.has(n))) continue;
    fragment.append(text.slice(position, match.index));
    numbers.forEach((n, i) => {
      const citation = byMarker.get(n);
      fragment.append(citation ? makeLink(citation, n) : `[${n}]`);
      if (i < numbers.length - 1) fragment.append(' ');
    });
    position = match.index + match[0].length;
  }
  fragment.append(text.slice(position));
  return fragment;
}

/**
 * Offsets from the API count code points (Python); JS strings index UTF-16 code units. They only differ
 * after a character outside the BMP (emoji, rare CJK): returns a converter, the identity when there is none.
 */
export function utf16Offsets(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
  const units = [];
  let unit = 0;
  for (const char of text) {
    units.push(unit);
    unit += char.length;
  }
  units.push(unit);
  return (offset) => units[Math.max(0, Math.min(offset, units.length - 1))];
}
