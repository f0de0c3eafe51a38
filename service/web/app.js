// The question page: ask, stream the answer, show it with clickable citations and the cited passages.
import { ApiError, ask, fetchJson } from './api.js';
import { answerWithMarkers, el, highlighted, utf16Offsets, viewHref } from './render.js';

const $ = (selector) => document.querySelector(selector);

const form = $('#ask-form');
const question = $('#question');
const button = $('#ask-button');
const provinceSelect = $('#province');
const documentSelect = $('#document');
const statusLine = $('#status');
const errorBox = $('#error');
const result = $('#result');
const questionEcho = $('#question-echo');
const answerBox = $('#answer');
const answerNote = $('#answer-note');
const sources = $('#sources');
const sourceList = $('#source-list');
const related = $('#related');
const relatedDetails = $('#related-details');
const relatedList = $('#related-list');

let documents = [];
let inFlight = null;
let askedYet = false; // set by the first question asked, whoever asks it

const collator = new Intl.Collator('vi');

// ---------- filters ----------

function documentLabel(doc) {
  // Number and place first: titles are long (often all capitals) and get cut off in a select.
  const lead = [doc.number || doc.doc_type, doc.district || doc.province].filter(Boolean).join(' · ');
  const title = doc.title.length > 90 ? `${doc.title.slice(0, 88)}…` : doc.title;
  return lead ? `${lead} — ${title}` : title;
}

function fillDocumentOptions() {
  const province = provinceSelect.value;
  const selected = documentSelect.value;
  const options = documents
    .filter((doc) => !province || doc.province === province)
    .map((doc) => el('option', { value: doc.doc_id, title: doc.title }, documentLabel(doc)));
  documentSelect.replaceChildren(el('option', { value: '' }, 'Tất cả văn bản'), ...options);
  if (options.some((option) => option.value === selected)) documentSelect.value = selected;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function loadDocuments() {
  // 503 while the server is still loading its index: wait for it rather than show an empty page.
  for (let attempt = 0; ; attempt++) {
    try {
      const body = await fetchJson('/documents');
      documents = (body.documents || []).slice().sort((a, b) => collator.compare(documentLabel(a), documentLabel(b)));
      break;
    } catch (error) {
      if (error instanceof ApiError && error.status === 503 && attempt < 40) {
        setBusy(false, 'Hệ thống đang nạp dữ liệu văn bản, vui lòng chờ…');
        statusLine.classList.add('loading');
        await sleep(3000);
        continue;
      }
      setBusy(false, '');
      showError(`Không tải được danh sách văn bản: ${error.message}`);
      return;
    }
  }
  setBusy(false, '');
  const provinces = [...new Set(documents.map((doc) => doc.province).filter(Boolean))].sort(collator.compare);
  provinceSelect.replaceChildren(
    el('option', { value: '' }, 'Tất cả tỉnh, thành phố'),
    ...provinces.map((name) => el('option', { value: name }, name)),
  );
  const params = new URLSearchParams(location.search);
  if (params.get('province')) provinceSelect.value = params.get('province');
  fillDocumentOptions();
  if (params.get('doc')) documentSelect.value = params.get('doc');
  $('#corpus-info').textContent = documents.length ? ` Hiện có ${documents.length} văn bản.` : '';
}

function currentFilters() {
  const filters = {};
  if (provinceSelect.value) filters.province = provinceSelect.value;
  if (documentSelect.value) filters.doc_id = documentSelect.value;
  return filters;
}

// ---------- states ----------

function showError(message) {
  errorBox.replaceChildren(el('strong', {}, 'Không thực hiện được: '), message);
  errorBox.hidden = false;
}

function setBusy(busy, message = '') {
  button.disabled = busy;
  button.textContent = busy ? 'Đang hỏi…' : 'Hỏi';
  form.setAttribute('aria-busy', String(busy));
  result.setAttribute('aria-busy', String(busy));
  statusLine.textContent = message;
  statusLine.classList.toggle('loading', busy);
}

function resetResult() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
  result.hidden = true;
  result.classList.remove('abstained');
  answerBox.replaceChildren();
  answerNote.hidden = true;
  sources.hidden = true;
  sourceList.replaceChildren();
  related.hidden = true;
  relatedList.replaceChildren();
}

// ---------- rendering ----------

function markerLink(citation, n) {
  const link = el(
    'a',
    {
      className: 'marker',
      href: viewHref(citation.doc_id, citation.start, citation.end),
      title: `${citation.title} — ${citation.section || ''}: “${citation.quote}”`,
      'aria-label': `Trích dẫn ${n}: mở văn bản tại đoạn trích`,
      dataset: { marker: String(n) },
    },
    `[${n}]`,
  );
  const highlightSource = (on) => {
    const card = document.getElementById(`nguon-${n}`);
    if (card) card.classList.toggle('is-target', on);
  };
  link.addEventListener('mouseenter', () => highlightSource(true));
  link.addEventListener('mouseleave', () => highlightSource(false));
  link.addEventListener('focus', () => highlightSource(true));
  link.addEventListener('blur', () => highlightSource(false));
  return link;
}

function sourceHeader(item, badges) {
  return el(
    'div',
    { className: 'source-head' },
    badges.length ? el('span', { className: 'badges' }, badges) : null,
    el(
      'div',
      { className: 'source-meta' },
      el('span', { className: 'source-title' }, item.title),
      item.section ? el('span', { className: 'source-section' }, item.section) : null,
    ),
  );
}

/** One card per cited passage, with every quote in it highlighted. */
function renderSources(answer) {
  const passagesById = new Map((answer.passages || []).map((p) => [p.chunk_id, p]));
  const groups = new Map();
  for (const citation of answer.citations || []) {
    const key = passagesById.has(citation.chunk_id) ? citation.chunk_id : `quote-${citation.marker}`;
    if (!groups.has(key)) groups.set(key, { passage: passagesById.get(citation.chunk_id), citations: [] });
    groups.get(key).citations.push(citation);
  }
  const cards = [];
  for (const { passage, citations } of groups.values()) {
    citations.sort((a, b) => a.marker - b.marker);
    const first = citations[0];
    const base = passage || { text: first.quote, start: first.start, end: first.end };
    const toUtf16 = utf16Offsets(base.text);
    const ranges = citations.map((c) => ({
      start: toUtf16(c.start - base.start),
      end: toUtf16(c.end - base.start),
      ids: [`trich-${c.marker}`],
    }));
    const badges = citations.map((c) =>
      el(
        'a',
        { className: 'badge', href: viewHref(c.doc_id, c.start, c.end), title: 'Mở văn bản tại đoạn trích' },
        `[${c.marker}]`,
      ),
    );
    cards.push(
      el(
        'li',
        { className: 'source', id: `nguon-${first.marker}`, dataset: { markers: citations.map((c) => c.marker).join(',') } },
        sourceHeader(passage || first, badges),
        el('blockquote', { className: 'passage' }, highlighted(base.text, ranges)),
        el(
          'a',
          { className: 'open-link', href: viewHref(first.doc_id, first.start, first.end) },
          'Xem trong văn bản gốc',
        ),
      ),
    );
  }
  // Markers of later quotes inside a shared card point at the card too.
  for (const card of cards) {
    for (const marker of card.dataset.markers.split(',').slice(1)) {
      card.append(el('span', { id: `nguon-${marker}`, className: 'anchor' }));
    }
  }
  sourceList.replaceChildren(...cards);
  sources.hidden = cards.length === 0;
  return new Set(groups.keys());
}

function renderRelated(passages, exclude = new Set(), open = false) {
  const items = passages
    .filter((p) => !exclude.has(p.chunk_id))
    .map((p) =>
      el(
        'li',
        { className: 'source related-item' },
        sourceHeader(p, []),
        el('blockquote', { className: 'passage clamp' }, p.text),
        el('a', { className: 'open-link', href: viewHref(p.doc_id, p.start, p.end) }, 'Xem trong văn bản gốc'),
      ),
    );
  relatedList.replaceChildren(...items);
  related.hidden = items.length === 0;
  relatedDetails.open = open;
  $('#related-heading').textContent = `Các đoạn văn bản liên quan (${items.length})`;
}

function renderAnswer(answer) {
  result.hidden = false;
  result.classList.toggle('abstained', Boolean(answer.abstained));
  const text = (answer.answer || '').trim();
  if (answer.abstained) {
    answerBox.replaceChildren(
      el('p', { className: 'abstain-title' }, 'Chưa tìm thấy câu trả lời trong các văn bản hiện có.'),
      text ? el('p', { className: 'answer-text' }, text) : null,
    );
    answerNote.textContent = 'Hệ thống chỉ trả lời khi có căn cứ nguyên văn. Hãy thử diễn đạt khác, nêu rõ địa phương hoặc chọn văn bản.';
    answerNote.hidden = false;
    sources.hidden = true;
    renderRelated(answer.passages || [], new Set(), true);
    $('#related-heading').textContent = `Các đoạn văn bản gần nhất tìm được (${(answer.passages || []).length})`;
    return;
  }
  answerBox.replaceChildren(
    el('p', { className: 'answer-text' }, answerWithMarkers(text, answer.citations || [], markerLink)),
  );
  const cited = renderSources(answer);
  answerNote.hidden = (answer.citations || []).length > 0;
  answerNote.textContent = 'Câu trả lời này không kèm trích dẫn; vui lòng kiểm tra các đoạn văn bản liên quan.';
  renderRelated(answer.passages || [], cited, false);
}

// ---------- asking ----------

async function submitQuestion(text, { pushState = true } = {}) {
  askedYet = true;
  const q = text.trim();
  if (!q) {
    showError('Vui lòng nhập câu hỏi.');
    question.focus();
    return;
  }
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  resetResult();
  setBusy(true, 'Đang tìm trong văn bản…');
  if (pushState) {
    const params = new URLSearchParams({ q });
    for (const [key, value] of Object.entries({ province: provinceSelect.value, doc: documentSelect.value })) {
      if (value) params.set(key, value);
    }
    history.pushState({ q }, '', `/?${params}`);
  }
  questionEcho.textContent = q;

  const body = { question: q };
  const filters = currentFilters();
  if (Object.keys(filters).length) body.filters = filters;

  let streamed = '';
  const onEvent = (event, payload) => {
    if (controller.signal.aborted) return;
    if (event === 'passages') {
      statusLine.textContent = 'Đang soạn câu trả lời…';
      renderRelated(payload.passages || [], new Set(), false);
    } else if (event === 'delta' && typeof payload.text === 'string') {
      streamed += payload.text;
      result.hidden = false;
      answerBox.replaceChildren(el('p', { className: 'answer-text streaming' }, streamed));
    } else if (event === 'fallback') {
      streamed = '';
      answerBox.replaceChildren();
    }
  };
  try {
    const answer = await ask('/ask', body, { signal: controller.signal, onEvent });
    if (controller.signal.aborted) return;
    renderAnswer(answer);
    setBusy(false, answer.abstained ? 'Không tìm thấy câu trả lời.' : 'Đã có câu trả lời.');
  } catch (error) {
    if (error.name === 'AbortError') return;
    setBusy(false, '');
    result.hidden = true;
    showError(error instanceof ApiError ? error.message : 'Đã xảy ra lỗi không mong muốn. Vui lòng thử lại.');
  } finally {
    if (inFlight === controller) inFlight = null;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  submitQuestion(question.value);
});

question.addEventListener('keydown', (event) => {
  // Enter asks; Shift+Enter adds a line; never while an input method is composing (Vietnamese IMEs).
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    form.requestSubmit();
  }
});

provinceSelect.addEventListener('change', fillDocumentOptions);

for (const chip of document.querySelectorAll('#examples .chip')) {
  chip.addEventListener('click', () => {
    question.value = chip.textContent;
    submitQuestion(chip.textContent);
  });
}

function fromLocation({ initial = false } = {}) {
  const q = new URLSearchParams(location.search).get('q');
  if (q) {
    question.value = q;
    submitQuestion(q, { pushState: false });
  } else if (!initial) {
    question.value = '';
    resetResult();
    setBusy(false, '');
  }
}

window.addEventListener('popstate', () => fromLocation());

// The question in the address bar is asked once the document list is in (filters need it), unless the user
// asked something first: on a slow start, that would abort their question and ask the URL's again.
loadDocuments().then(() => {
  if (!askedYet) fromLocation({ initial: true });
});
