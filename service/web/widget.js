/*!
 * tracuu chat widget — add to any portal page:
 *   <script src="https://HOST/widget.js" data-api-key="..." defer></script>
 * Options (data- attributes): api-key, title, color, position ("right" | "left"), greeting, lang ("vi" | "en"),
 * open ("true" to start open).
 * Everything lives in a Shadow DOM, so the portal's CSS does not reach in and ours does not leak out.
 * Answers and document text are inserted as text nodes only, never parsed as HTML.
 */
(() => {
  'use strict';

  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll('script[src]'))
      .reverse()
      .find((node) => /\/widget\.js(?:[?#]|$)/.test(node.src));
  if (!script || window.__tracuuWidget) return;
  window.__tracuuWidget = true;

  // The API lives next to the script: https://HOST/prefix/widget.js -> https://HOST/prefix/
  const base = new URL('./', script.src);
  const data = script.dataset;

  const TEXT = {
    vi: {
      title: 'Trợ lý tra cứu văn bản',
      greeting: 'Xin chào! Tôi giúp tra cứu nội dung các văn bản chỉ đạo, kế hoạch của địa phương. Bạn muốn hỏi gì?',
      open: 'Mở trợ lý hỏi đáp văn bản',
      close: 'Đóng trợ lý',
      reset: 'Bắt đầu cuộc trò chuyện mới',
      input: 'Câu hỏi của bạn',
      placeholder: 'Nhập câu hỏi (có thể gõ không dấu)…',
      send: 'Gửi câu hỏi',
      thinking: 'Đang tìm trong văn bản…',
      sources: 'Nguồn trích dẫn',
      abstain: 'Chưa tìm thấy câu trả lời trong các văn bản hiện có.',
      error: 'Không trả lời được: ',
      network: 'không kết nối được tới máy chủ.',
      server: 'máy chủ gặp lỗi, vui lòng thử lại sau.',
      busy: 'hệ thống đang bận, vui lòng thử lại sau ít phút.',
      citation: 'Trích dẫn',
      newTab: '(mở trong thẻ mới)',
      foot: 'Câu trả lời trích nguyên văn từ văn bản gốc.',
      you: 'Bạn',
      bot: 'Trợ lý',
    },
    en: {
      title: 'Document assistant',
      greeting: 'Hello! I can answer questions about the published plans and directives. What would you like to know?',
      open: 'Open the document assistant',
      close: 'Close the assistant',
      reset: 'Start a new conversation',
      input: 'Your question',
      placeholder: 'Type your question…',
      send: 'Send question',
      thinking: 'Searching the documents…',
      sources: 'Sources',
      abstain: 'No answer was found in the available documents.',
      error: 'Could not answer: ',
      network: 'the server cannot be reached.',
      server: 'the server failed, please try again later.',
      busy: 'the service is busy, please try again in a minute.',
      citation: 'Citation',
      newTab: '(opens in a new tab)',
      foot: 'Answers quote the original documents verbatim.',
      you: 'You',
      bot: 'Assistant',
    },
  };
  const lang = data.lang && TEXT[data.lang.toLowerCase()] ? data.lang.toLowerCase() : 'vi';
  const t = TEXT[lang];
  const config = {
    apiKey: data.apiKey || '',
    title: data.title || t.title,
    greeting: data.greeting || t.greeting,
    color: data.color && window.CSS && CSS.supports('color', data.color) ? data.color : '#0b4a85',
    position: data.position === 'left' ? 'left' : 'right',
    startOpen: data.open === 'true',
  };
  const MAX_HISTORY_TURNS = 10;
  const MAX_TURN_CHARS = 4000;
  const STORAGE_KEY = `tracuu-widget:${base.href}`;

  const CSS_TEXT = `
:host { all: initial !important; }
.root, .root * { box-sizing: border-box; }
.root {
  --c: #0b4a85;
  font: 15px/1.5 "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", "Liberation Sans", Arial, sans-serif;
  color: #1c2633; letter-spacing: normal; text-align: left; text-transform: none; font-weight: 400;
  font-style: normal; word-spacing: normal; direction: ltr;
}
button, textarea { font: inherit; color: inherit; letter-spacing: inherit; margin: 0; }
button { cursor: pointer; }
[hidden] { display: none !important; }
:focus-visible { outline: 3px solid #f5a400; outline-offset: 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.bubble {
  position: fixed; bottom: 20px; z-index: 2147483000; width: 60px; height: 60px; padding: 0;
  border: 0; border-radius: 50%; background: var(--c); color: #fff;
  box-shadow: 0 4px 14px rgba(0,0,0,.25); display: flex; align-items: center; justify-content: center;
  transition: transform .15s;
}
.bubble:hover { transform: scale(1.06); }
.bubble svg { width: 28px; height: 28px; fill: currentColor; }
.right .bubble { right: 20px; } .left .bubble { left: 20px; }
.panel {
  position: fixed; bottom: 92px; z-index: 2147483000; width: 380px; max-width: calc(100vw - 24px);
  height: 580px; max-height: calc(100vh - 112px); display: flex; flex-direction: column;
  background: #fff; border: 1px solid #d5dce5; border-radius: 12px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(16,38,66,.25);
}
.right .panel { right: 20px; } .left .panel { left: 20px; }
.header {
  display: flex; align-items: center; gap: 6px; padding: 12px 10px 12px 16px;
  background: var(--c); color: #fff;
}
.header h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 700; line-height: 1.3; color: #fff; }
.icon {
  width: 34px; height: 34px; padding: 0; border: 0; border-radius: 6px; background: transparent;
  color: #fff; display: flex; align-items: center; justify-content: center;
}
.icon:hover { background: rgba(255,255,255,.18); }
.icon svg { width: 18px; height: 18px; fill: currentColor; }
.log { position: relative; flex: 1; overflow-y: auto; padding: 14px; background: #f4f6f9; display: flex; flex-direction: column; gap: 10px; }
.msg { max-width: 92%; padding: 9px 12px; border-radius: 12px; white-space: pre-line; overflow-wrap: anywhere; }
.user { align-self: flex-end; background: var(--c); color: #fff; border-bottom-right-radius: 4px; }
.bot { align-self: flex-start; background: #fff; border: 1px solid #dfe4ea; border-bottom-left-radius: 4px; }
.bot.abstain { background: #fafbfc; color: #3d4957; }
.bot.error { background: #fdecea; border-color: #f3c1bb; color: #8a1c13; }
.thinking { color: #5a6676; font-style: italic; }
.marker {
  display: inline-block; padding: 0 4px; margin: 0 1px; border-radius: 4px; background: #e8f0f9;
  color: var(--c); font-size: 12px; font-weight: 700; line-height: 1.5; vertical-align: 2px; text-decoration: none;
}
.marker:hover { background: var(--c); color: #fff; }
.sources { margin: 0; padding: 0; list-style: none; font-size: 13px; white-space: normal; }
.sources-title { margin: 8px 0 0; padding: 8px 0 0; border-top: 1px solid #e5e9ee; font-size: 12px; font-weight: 700; color: #5a6676; text-transform: uppercase; letter-spacing: .3px; }
.sources li { margin: 6px 0 0; }
.sources a {
  color: var(--c); font-weight: 600; text-decoration: underline; text-underline-offset: 2px;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
}
.section { display: block; color: #5a6676; }
.quote {
  margin-top: 2px; padding-left: 8px; border-left: 3px solid #e0b400; color: #333; font-style: italic;
  display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden;
}
.form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e5e9ee; background: #fff; align-items: flex-end; }
.form textarea {
  flex: 1; min-height: 42px; max-height: 120px; resize: none; padding: 10px 12px;
  border: 1px solid #aeb9c7; border-radius: 8px; background: #fff; color: #1c2633; font-size: 15px; line-height: 1.4;
}
.form textarea:focus { border-color: var(--c); outline: none; box-shadow: 0 0 0 2px rgba(11,74,133,.2); }
.send {
  flex: none; width: 42px; height: 42px; padding: 0; border: 0; border-radius: 8px; background: var(--c); color: #fff;
  display: flex; align-items: center; justify-content: center;
}
.send:disabled { opacity: .55; cursor: progress; }
.send svg { width: 20px; height: 20px; fill: currentColor; }
.foot { margin: 0; padding: 0 12px 8px; background: #fff; color: #5a6676; font-size: 11.5px; text-align: center; }
@media (max-width: 480px) {
  .panel { inset: 0; width: 100%; max-width: none; height: 100%; max-height: none; border-radius: 0; border: 0; }
  .root.open .bubble { display: none; }
}
@media (prefers-reduced-motion: reduce) { .bubble { transition: none; } }
`;

  // ---------- tiny DOM helpers (text only, never HTML) ----------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function icon(path) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const shape = document.createElementNS(ns, 'path');
    shape.setAttribute('d', path);
    svg.append(shape);
    return svg;
  }

  const ICONS = {
    chat: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0 4v2h7v-2H7z',
    close: 'M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z',
    reset: 'M12 5V2L7 6l5 4V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z',
    send: 'M3 20.5 21 12 3 3.5v6.6l12 1.9-12 1.9z',
  };

  function viewUrl(docId, start, end) {
    const url = new URL(`view/${encodeURIComponent(docId)}`, base);
    if (Number.isInteger(start) && Number.isInteger(end) && end > start) {
      url.searchParams.set('start', String(start));
      url.searchParams.set('end', String(end));
    }
    return url.href;
  }

  // ---------- API ----------

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status || 0;
    }
  }

  function problemMessage(body, status) {
    if (body && typeof body === 'object') {
      if (typeof body.detail === 'string' && body.detail.trim()) return body.detail;
      if (Array.isArray(body.detail) && body.detail.length) return body.detail.map((d) => (d && d.msg) || String(d)).join('; ');
      if (typeof body.title === 'string' && body.title.trim()) return body.title;
    }
    if (status === 429) return t.busy;
    return status >= 500 || !status ? t.server : `HTTP ${status}`;
  }

  async function errorFrom(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    return new ApiError(problemMessage(body, response.status), response.status);
  }

  function requestHeaders(accept) {
    const headers = { 'Content-Type': 'application/json', Accept: accept };
    if (config.apiKey) headers['X-API-Key'] = config.apiKey;
    return headers;
  }

  // text/event-stream lines -> {event, data}; tolerates \r\n, \r and chunks split anywhere.
  function sseParser() {
    let buffer = '';
    let event = '';
    let lines = [];
    return (text) => {
      buffer += text;
      const out = [];
      const re = /\r\n|\r|\n/g;
      let start = 0;
      let m;
      while ((m = re.exec(buffer)) !== null) {
        if (m[0] === '\r' && m.index === buffer.length - 1) break;
        const line = buffer.slice(start, m.index);
        start = re.lastIndex;
        if (line === '') {
          if (lines.length) out.push({ event: event || 'message', data: lines.join('\n') });
          event = '';
          lines = [];
        } else if (line[0] !== ':') {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value[0] === ' ') value = value.slice(1);
          if (field === 'event') event = value;
          else if (field === 'data') lines.push(value);
        }
      }
      buffer = buffer.slice(start);
      return out;
    };
  }

  async function askStream(body, onEvent) {
    const response = await fetch(new URL('ask', base), {
      method: 'POST',
      headers: requestHeaders('text/event-stream'),
      body: JSON.stringify(Object.assign({}, body, { stream: true })),
    });
    if (!response.ok) throw await errorFrom(response);
    if (!(response.headers.get('content-type') || '').includes('text/event-stream')) return response.json();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parse = sseParser();
    let answer = null;
    for (;;) {
      const { value, done } = await reader.read();
      for (const { event, data: raw } of parse(done ? '\n\n' : value)) {
        let payload;
        try {
          payload = JSON.parse(raw);
        } catch (_) {
          continue;
        }
        if (event === 'error') throw new ApiError(problemMessage(payload, 500), payload.status || 500);
        if (event === 'answer') answer = payload;
        onEvent(event, payload);
      }
      if (done) break;
    }
    if (!answer) throw new Error('stream ended without an answer');
    return answer;
  }

  async function askOnce(body) {
    let response;
    try {
      response = await fetch(new URL('ask', base), {
        method: 'POST',
        headers: requestHeaders('application/json'),
        body: JSON.stringify(Object.assign({}, body, { stream: false })),
      });
    } catch (_) {
      throw new ApiError(t.network, 0);
    }
    if (!response.ok) throw await errorFrom(response);
    return response.json();
  }

  async function ask(body, onEvent) {
    try {
      return await askStream(body, onEvent);
    } catch (error) {
      // A problem the API reported about the request is final; a broken stream is retried without streaming.
      if (error instanceof ApiError && error.status > 0 && error.status < 500) throw error;
      onEvent('fallback', {});
      return askOnce(body);
    }
  }

  // ---------- state ----------

  let turns = []; // [{role, content}] sent as `history`
  let messages = []; // what the log shows, to restore it on the next page of the portal
  let busy = false;
  let nextId = 0;

  function save() {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ turns: turns.slice(-2 * MAX_HISTORY_TURNS), messages: messages.slice(-40) }));
    } catch (_) {
      // Storage may be disabled; the conversation then lasts as long as the page.
    }
  }

  function restore() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
      if (saved && Array.isArray(saved.turns) && Array.isArray(saved.messages)) {
        turns = saved.turns.filter((turn) => turn && (turn.role === 'user' || turn.role === 'assistant') && typeof turn.content === 'string');
        messages = saved.messages;
      }
    } catch (_) {
      turns = [];
      messages = [];
    }
  }

  // ---------- UI ----------

  function build() {
    const host = document.createElement('tracuu-widget');
    const shadow = host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
      // Constructed sheets need no inline <style>, so they work under a strict portal CSP.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS_TEXT);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      shadow.append(el('style', {}, CSS_TEXT));
    }

    const root = el('div', { class: `root ${config.position}`, lang });
    root.style.setProperty('--c', config.color);

    const bubble = el('button', { class: 'bubble', type: 'button', 'aria-label': t.open, 'aria-expanded': 'false', 'aria-controls': 'panel' }, icon(ICONS.chat));
    const close = el('button', { class: 'icon close', type: 'button', 'aria-label': t.close, title: t.close }, icon(ICONS.close));
    const reset = el('button', { class: 'icon reset', type: 'button', 'aria-label': t.reset, title: t.reset }, icon(ICONS.reset));
    const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-busy': 'false', 'aria-label': config.title });
    const input = el('textarea', { id: 'input', rows: '1', maxlength: '2000', placeholder: t.placeholder, autocomplete: 'off' });
    const send = el('button', { class: 'send', type: 'submit', 'aria-label': t.send, title: t.send }, icon(ICONS.send));
    const form = el('form', { class: 'form' }, el('label', { class: 'sr', for: 'input' }, t.input), input, send);
    const panel = el(
      'section',
      { class: 'panel', id: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'title', hidden: true },
      el('div', { class: 'header' }, el('h2', { id: 'title' }, config.title), reset, close),
      log,
      form,
      el('p', { class: 'foot' }, t.foot),
    );
    root.append(panel, bubble);
    shadow.append(root);
    document.body.append(host);
    return { host, root, bubble, close, reset, log, input, send, form, panel };
  }

  function main() {
    const ui = build();
    restore();

    function scrollDown() {
      ui.log.scrollTop = ui.log.scrollHeight;
    }

    function answerNode(answer) {
      const node = el('div', { class: `msg bot${answer.abstained ? ' abstain' : ''}` }, el('span', { class: 'sr' }, `${t.bot}: `));
      const text = (answer.answer || '').trim();
      if (answer.abstained) {
        node.append(el('strong', {}, t.abstain));
        if (text && text !== t.abstain) node.append('\n', text);
        return node;
      }
      const citations = Array.isArray(answer.citations) ? answer.citations : [];
      const byMarker = new Map(citations.map((c) => [c.marker, c]));
      const body = el('div', { class: 'text' });
      let position = 0;
      for (const match of text.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g)) {
        const numbers = match[1].split(',').map((n) => Number(n.trim()));
        if (!numbers.some((n) => byMarker.has(n))) continue;
        body.append(text.slice(position, match.index));
        numbers.forEach((n, i) => {
          const c = byMarker.get(n);
          body.append(
            c
              ? el('a', { class: 'marker', href: viewUrl(c.doc_id, c.start, c.end), target: '_blank', rel: 'noopener', 'aria-label': `${t.citation} ${n} ${t.newTab}`, title: c.quote }, `[${n}]`)
              : `[${n}]`,
          );
          if (i < numbers.length - 1) body.append(' ');
        });
        position = match.index + match[0].length;
      }
      body.append(text.slice(position));
      node.append(body);
      if (citations.length) {
        const listId = `src-${(nextId += 1)}`;
        const list = el('ol', { class: 'sources', 'aria-labelledby': listId });
        for (const c of citations) {
          list.append(
            el(
              'li',
              {},
              el('a', { href: viewUrl(c.doc_id, c.start, c.end), target: '_blank', rel: 'noopener' }, `[${c.marker}] ${c.title}`, el('span', { class: 'sr' }, ` ${t.newTab}`)),
              c.section ? el('span', { class: 'section' }, c.section) : null,
              el('span', { class: 'quote', title: c.quote }, `“${c.quote}”`),
            ),
          );
        }
        node.append(el('p', { class: 'sources-title', id: listId }, t.sources), list);
      }
      return node;
    }

    function messageNode(message) {
      if (message.kind === 'user') return el('div', { class: 'msg user' }, el('span', { class: 'sr' }, `${t.you}: `), message.text);
      if (message.kind === 'error') return el('div', { class: 'msg bot error', role: 'alert' }, t.error + message.text);
      if (message.kind === 'answer') return answerNode(message.answer);
      return el('div', { class: 'msg bot' }, message.text);
    }

    function renderLog() {
      ui.log.replaceChildren(messageNode({ kind: 'greeting', text: config.greeting }), ...messages.map(messageNode));
      scrollDown();
    }

    function push(message) {
      messages.push(message);
      const node = messageNode(message);
      ui.log.append(node);
      // A long answer is read from its start; short messages just keep the log at the bottom.
      if (message.kind === 'answer') ui.log.scrollTop = Math.max(0, node.offsetTop - 48);
      else scrollDown();
      save();
    }

    function setOpen(open, { focus = true } = {}) {
      ui.panel.hidden = !open;
      ui.root.classList.toggle('open', open);
      ui.bubble.setAttribute('aria-expanded', String(open));
      ui.bubble.setAttribute('aria-label', open ? t.close : t.open);
      ui.bubble.replaceChildren(icon(open ? ICONS.close : ICONS.chat));
      if (open) {
        scrollDown();
        if (focus) ui.input.focus();
      } else if (focus) {
        ui.bubble.focus();
      }
    }

    async function submit() {
      const question = ui.input.value.trim();
      if (!question || busy) return;
      busy = true;
      ui.send.disabled = true;
      ui.log.setAttribute('aria-busy', 'true');
      ui.input.value = '';
      const history = turns.slice(-MAX_HISTORY_TURNS).map((turn) => ({ role: turn.role, content: turn.content.slice(0, MAX_TURN_CHARS) }));
      push({ kind: 'user', text: question });

      const pending = el('div', { class: 'msg bot thinking', 'aria-hidden': 'true' }, t.thinking);
      ui.log.append(pending);
      scrollDown();
      let streamed = '';
      const onEvent = (event, payload) => {
        if (event === 'delta' && typeof payload.text === 'string') {
          streamed += payload.text;
          pending.classList.remove('thinking');
          pending.textContent = streamed;
          scrollDown();
        } else if (event === 'fallback') {
          streamed = '';
          pending.classList.add('thinking');
          pending.textContent = t.thinking;
        }
      };
      try {
        const body = { question };
        if (history.length) body.history = history;
        const answer = await ask(body, onEvent);
        pending.remove();
        const kept = {
          answer: answer.answer || '',
          abstained: Boolean(answer.abstained),
          citations: (answer.citations || []).map((c) => ({ marker: c.marker, doc_id: c.doc_id, title: c.title, section: c.section, quote: c.quote, start: c.start, end: c.end })),
        };
        push({ kind: 'answer', answer: kept });
        turns.push({ role: 'user', content: question }, { role: 'assistant', content: kept.answer || t.abstain });
        save();
      } catch (error) {
        pending.remove();
        push({ kind: 'error', text: error instanceof ApiError ? error.message : t.network });
      } finally {
        busy = false;
        ui.send.disabled = false;
        ui.log.setAttribute('aria-busy', 'false');
        ui.input.focus();
      }
    }

    ui.bubble.addEventListener('click', () => setOpen(ui.panel.hidden));
    ui.close.addEventListener('click', () => setOpen(false));
    ui.reset.addEventListener('click', () => {
      turns = [];
      messages = [];
      save();
      renderLog();
      ui.input.focus();
    });
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
    });
    ui.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submit();
      }
    });
    ui.input.addEventListener('input', () => {
      ui.input.style.height = 'auto';
      ui.input.style.height = `${Math.min(ui.input.scrollHeight + 2, 120)}px`;
    });
    ui.root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !ui.panel.hidden) {
        event.stopPropagation();
        setOpen(false);
      }
    });

    renderLog();
    if (config.startOpen) setOpen(true, { focus: false });
  }

  if (document.body) main();
  else document.addEventListener('DOMContentLoaded', main, { once: true });
})();
