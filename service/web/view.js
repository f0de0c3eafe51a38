// The document view: the whole normalized text, its outline, and the cited span [start, end) highlighted.
// Offsets are exact indexes (code points) into the `text` returned by GET /documents/{doc_id}.
import { ApiError, fetchJson } from './api.js';
import { el, utf16Offsets } from './render.js';

const $ = (selector) => document.querySelector(selector);

function docIdFromPath() {
  const match = location.pathname.match(/^\/view\/([^/]+)\/?$/);
  return match ? decodeURIComponent(match[1]) : '';
}

function citedSpan(length) {
  const params = new URLSearchParams(location.search);
  const raw = [params.get('start'), params.get('end')];
  if (raw.some((value) => value === null)) return { span: null, invalid: false };
  if (!raw.every((value) => /^\d+$/.test(value))) return { span: null, invalid: true };
  const [start, end] = raw.map(Number);
  if (end <= start || end > length) return { span: null, invalid: true };
  return { span: { start, end }, invalid: false };
}

function formatDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}

function renderMeta(doc) {
  const rows = [
    ['Số hiệu', doc.number],
    ['Ngày ban hành', doc.date && formatDate(doc.date)],
    ['Cơ quan ban hành', doc.issuer],
    ['Tỉnh, thành phố', doc.province],
    ['Huyện', doc.district],
    ['Người ký', doc.signer],
    ['Số trang', doc.pages],
    ['Tệp nguồn', doc.source],
  ].filter(([, value]) => value !== null && value !== undefined && value !== '');
  $('#doc-meta').replaceChildren(
    ...rows.map(([name, value]) => el('div', { className: 'meta-row' }, el('dt', {}, name), el('dd', {}, String(value)))),
  );
}

// ---------- outline ----------

/** Outline from the chunks' heading paths: one entry per heading, at the first chunk under it. */
export function outlineFromChunks(chunks) {
  const entries = [];
  const seen = new Set();
  for (const chunk of [...chunks].sort((a, b) => a.start - b.start)) {
    const path = chunk.heading_path && chunk.heading_path.length
      ? chunk.heading_path
      : (chunk.section || '').split(' › ').filter(Boolean);
    path.forEach((label, depth) => {
      const key = path.slice(0, depth + 1).join('\u0000');
      if (seen.has(key)) return;
      seen.add(key);
      entries.push({ start: chunk.start, label, depth });
    });
  }
  return entries;
}

const HEADING_PATTERNS = [
  { re: /^(PHẦN|Phần|CHƯƠNG|Chương)\s+([IVXLCDM]+|\d+)\b/u, depth: 0 },
  { re: /^(MỤC|Mục)\s+(\d+|[IVXLCDM]+)\b/u, depth: 1 },
  { re: /^[IVXLCDM]+\.\s+\S/u, depth: 0 },
  { re: /^Điều\s+\d+/u, depth: 1 },
  { re: /^\d+\.\s+\S/u, depth: 1, short: true },
];

/** Fallback outline: lines of the text that look like headings (Phần/Chương/Điều, I., 1.). */
export function outlineFromText(text) {
  const entries = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    const lead = line.length - line.trimStart().length;
    for (const { re, depth, short } of HEADING_PATTERNS) {
      if (!re.test(trimmed)) continue;
      // Numbered lines are headings when short, or when they end with ':' (a lead-in to the items below).
      if (short && (/[;,.]$/.test(trimmed) || (trimmed.length > 90 && !trimmed.endsWith(':')) || trimmed.length > 240)) break;
      const label = trimmed.length > 90 ? `${trimmed.slice(0, 88)}…` : trimmed;
      entries.push({ start: offset + lead, label, depth });
      break;
    }
    offset += line.length + 1;
  }
  return entries;
}

async function loadOutline(docId, text, toUtf16) {
  try {
    const body = await fetchJson(`/documents/${encodeURIComponent(docId)}/chunks`);
    const chunks = Array.isArray(body) ? body : body.chunks;
    if (Array.isArray(chunks) && chunks.length) {
      const entries = outlineFromChunks(chunks).map((entry) => ({ ...entry, start: toUtf16(entry.start) }));
      if (entries.length) return entries;
    }
  } catch {
    // No chunk endpoint (or it failed): derive the outline from the text itself.
  }
  return outlineFromText(text);
}

function renderOutline(entries, span) {
  const list = $('#outline-list');
  let current = -1;
  if (span) entries.forEach((entry, i) => { if (entry.start <= span.start) current = i; });
  list.replaceChildren(
    ...entries.map((entry, i) =>
      el(
        'li',
        { className: `depth-${Math.min(entry.depth, 3)}${i === current ? ' contains-cite' : ''}` },
        el('a', { href: `#muc-${i}`, 'aria-current': i === current ? 'location' : null }, entry.label),
      ),
    ),
  );
  $('#outline').hidden = entries.length === 0;
}

// ---------- text ----------

/** The text as nodes: anchors at outline entries, <mark> over the cited span, everything else text. */
function renderText(text, entries, span) {
  const cuts = new Set([0, text.length]);
  const anchorsAt = new Map();
  entries.forEach((entry, i) => {
    if (entry.start < 0 || entry.start > text.length) return;
    cuts.add(entry.start);
    if (!anchorsAt.has(entry.start)) anchorsAt.set(entry.start, []);
    anchorsAt.get(entry.start).push(i);
  });
  if (span) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  let firstMark = null;
  for (let i = 0; i < points.length; i++) {
    const from = points[i];
    for (const index of anchorsAt.get(from) || []) fragment.append(el('span', { id: `muc-${index}`, className: 'anchor' }));
    if (i === points.length - 1) break;
    const piece = text.slice(from, points[i + 1]);
    if (span && from >= span.start && from < span.end) {
      const mark = el('mark', { className: 'cited' }, piece);
      if (!firstMark) {
        firstMark = mark;
        mark.id = 'trich-dan';
        mark.tabIndex = -1;
      }
      fragment.append(mark);
    } else {
      fragment.append(piece);
    }
  }
  $('#doc-text').replaceChildren(fragment);
  return firstMark;
}

function showCitation(mark, invalid) {
  const bar = $('#cite-bar');
  if (invalid) {
    bar.classList.replace('alert-info', 'alert-warning');
    $('#cite-text').textContent = 'Vị trí trích dẫn trong đường dẫn không hợp lệ với văn bản này; đang hiển thị toàn văn.';
    $('#cite-jump').hidden = true;
    bar.hidden = false;
    return;
  }
  if (!mark) return;
  $('#cite-text').textContent = 'Đoạn trích dẫn được tô màu vàng trong toàn văn bên dưới.';
  bar.hidden = false;
  const jump = () => {
    mark.scrollIntoView({ block: 'center' });
    mark.focus({ preventScroll: true });
  };
  $('#cite-jump').addEventListener('click', jump);
  requestAnimationFrame(jump);
}

function wireBackLink() {
  const link = $('#back-link');
  let sameOrigin = false;
  try {
    sameOrigin = document.referrer && new URL(document.referrer).origin === location.origin;
  } catch {
    sameOrigin = false;
  }
  if (sameOrigin && history.length > 1) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      history.back();
    });
  }
}

async function main() {
  wireBackLink();
  const docId = docIdFromPath();
  const status = $('#status');
  let doc;
  try {
    if (!docId) throw new ApiError('Đường dẫn không chỉ rõ văn bản nào.', 404);
    doc = await fetchJson(`/documents/${encodeURIComponent(docId)}`);
  } catch (error) {
    status.classList.remove('loading');
    status.textContent = '';
    const box = $('#error');
    box.replaceChildren(el('strong', {}, 'Không mở được văn bản: '), error.message || 'lỗi không xác định.');
    box.hidden = false;
    return;
  }
  const text = typeof doc.text === 'string' ? doc.text : '';
  document.title = `${doc.title} — Tra cứu văn bản`;
  $('#doc-type').textContent = [doc.doc_type, doc.number].filter(Boolean).join(' · ');
  $('#doc-title').textContent = doc.title;
  renderMeta(doc);

  const toUtf16 = utf16Offsets(text);
  const { span: cited, invalid } = citedSpan([...text].length);
  const span = cited && { start: toUtf16(cited.start), end: toUtf16(cited.end) };
  const entries = await loadOutline(docId, text, toUtf16);
  renderOutline(entries, span);
  const mark = renderText(text, entries, span);
  $('#doc').hidden = false;
  status.classList.remove('loading');
  status.textContent = mark ? 'Đã tải văn bản; đoạn trích dẫn được tô màu.' : 'Đã tải văn bản.';
  showCitation(mark, invalid);
}

main();
