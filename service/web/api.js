// Talking to the tracuu API: JSON calls, problem+json errors and the SSE stream of POST /ask.
// EventSource cannot POST, so the stream is read with fetch() + ReadableStream and parsed here.

/** An error the API reported (problem+json) or a network failure, with a message fit for the user. */
export class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** The user-facing message of a problem+json (or FastAPI validation) body. */
export function problemMessage(body, status) {
  if (body && typeof body === 'object') {
    const detail = body.detail;
    if (typeof detail === 'string' && detail.trim()) return detail;
    if (Array.isArray(detail) && detail.length) {
      return detail.map((item) => (item && item.msg) || String(item)).join('; ');
    }
    if (typeof body.title === 'string' && body.title.trim()) return body.title;
  }
  if (status === 429) return 'Hệ thống đang bận, vui lòng thử lại sau ít phút.';
  if (status >= 500) return `Máy chủ gặp lỗi (HTTP ${status}). Vui lòng thử lại sau.`;
  return `Yêu cầu không thành công (HTTP ${status}).`;
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return new ApiError(problemMessage(body, response.status), response.status);
}

/** GET or POST JSON; throws ApiError with the API's own message on failure. */
export async function fetchJson(url, { method = 'GET', body, signal, headers = {} } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      signal,
      headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError('Không kết nối được tới máy chủ. Kiểm tra mạng và thử lại.');
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return null;
  return response.json();
}

/** Incremental text/event-stream parser (handles \n, \r\n and \r line ends split across chunks). */
export class SseParser {
  constructor() {
    this.buffer = '';
    this.event = '';
    this.data = [];
  }

  /** Feed decoded text; returns the events completed by it as {event, data}. */
  push(text) {
    this.buffer += text;
    const events = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    let match;
    while ((match = lineEnd.exec(this.buffer)) !== null) {
      // A trailing \r may be the first half of \r\n: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const event = this.line(this.buffer.slice(start, match.index));
      start = lineEnd.lastIndex;
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  line(line) {
    if (line === '') {
      if (!this.data.length) {
        this.event = '';
        return null;
      }
      const event = { event: this.event || 'message', data: this.data.join('\n') };
      this.event = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) return null; // comment / keep-alive ping
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return null;
  }
}

/**
 * POST /ask with "stream": true and call onEvent(name, payload) for each event.
 * Resolves with the final Answer. Throws ApiError (HTTP problem, or an `error` event) or another
 * error when the stream broke; callers fall back to a plain request on the latter.
 */
export async function askStream(url, body, { signal, headers = {}, onEvent = () => {} } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    signal,
    headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ ...body, stream: true }),
  });
  if (!response.ok) throw await errorFrom(response);
  const type = response.headers.get('content-type') || '';
  if (!type.includes('text/event-stream')) return response.json(); // the server chose not to stream
  if (!response.body) throw new Error('stream unavailable');

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  let answer = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      const events = done ? parser.push('\n\n') : parser.push(value);
      for (const { event, data } of events) {
        let payload;
        try {
          payload = JSON.parse(data);
        } catch {
          continue; // not ours (e.g. a proxy's keep-alive text)
        }
        if (event === 'error') {
          throw new ApiError(problemMessage(payload, 500), payload.status || 500);
        }
        if (event === 'answer') answer = payload;
        onEvent(event, payload);
      }
      if (done) break;
    }
  } finally {
    reader.releaseLock();
  }
  if (!answer) throw new Error('stream ended without an answer');
  return answer;
}

/** Ask with streaming; on a broken stream (not on a problem the API reported), ask again without it. */
export async function ask(url, body, { signal, headers = {}, onEvent = () => {} } = {}) {
  try {
    return await askStream(url, body, { signal, headers, onEvent });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    if (error instanceof ApiError && error.status > 0 && error.status < 500) throw error;
    onEvent('fallback', {});
    return fetchJson(url, { method: 'POST', body: { ...body, stream: false }, signal, headers });
  }
}
