"""The page, the document view and the widget in a real Chromium against a real server on loopback.

Screenshots land in ``test-artifacts/``. Request interception (``route``) is used only to produce failures the
real server cannot be asked for (a broken stream, a 429) and to host a fake portal page on the server's origin.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, Request, Route, ViewportSize, expect

from tests.service.live import LiveServer
from tests.service.web.browsing import DESKTOP, PHONE, PageErrors, browser_page, json_body

pytestmark = [pytest.mark.browser, pytest.mark.server]

QUESTION = "ai phu trach nha o xa hoi"
FOLLOW_UP = "còn ở Lạng Sơn thì sao?"
VIEWPORTS = [pytest.param("desktop", DESKTOP, id="desktop"), pytest.param("phone", PHONE, id="phone")]


def document_text(server: LiveServer, doc_id: str) -> str:
    with server.client() as client:
        response = client.get(f"/documents/{doc_id}")
        response.raise_for_status()
        return str(response.json()["text"])


def cited_span(href: str) -> tuple[str, int, int]:
    """doc_id, start, end of a /view/{doc_id}?start=&end= link."""
    url = urlparse(href)
    match = re.fullmatch(r"/view/([^/]+)", url.path)
    assert match, href
    query = parse_qs(url.query)
    return match.group(1), int(query["start"][0]), int(query["end"][0])


def ask_on_page(page: Page, question: str) -> None:
    box = page.get_by_label("Câu hỏi về nội dung văn bản")
    box.fill(question)
    box.press("Enter")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "viewport"), VIEWPORTS)
def test_page_answers_with_citations_and_opens_the_cited_span(
    browser: Browser,
    live_server: LiveServer,
    artifacts: Path,
    page_errors: PageErrors,
    name: str,
    viewport: ViewportSize,
) -> None:
    with browser_page(browser, page_errors, viewport) as (_, page):
        page.goto(live_server.url + "/")
        expect(page).to_have_title(re.compile("Tra cứu"))
        ask_on_page(page, QUESTION)

        first_marker = page.locator("#answer a.marker").first
        expect(first_marker).to_be_visible()
        expect(page.locator("#answer")).to_contain_text("Sở Xây dựng")
        expect(page.locator("#result")).to_have_attribute("aria-busy", "false")

        # The marker's span is a verbatim quote, highlighted inside its passage below.
        href = first_marker.get_attribute("href") or ""
        doc_id, start, end = cited_span(href)
        quote = document_text(live_server, doc_id)[start:end]
        assert quote.strip()
        source = page.locator("#source-list > li").first
        expect(source).to_be_visible()
        expect(source.locator(".source-title")).not_to_be_empty()
        expect(source.locator("mark").first).to_be_visible()
        assert quote in " ".join(source.locator("mark").all_text_contents())
        page.screenshot(path=str(artifacts / f"page-answer-{name}.png"), full_page=True)

        first_marker.click()
        page.wait_for_url(re.compile(r"/view/"))
        mark = page.locator("#trich-dan")
        expect(mark).to_be_visible()
        expect(mark).to_be_in_viewport()
        assert "".join(page.locator("mark.cited").all_text_contents()) == quote
        expect(page.locator("#doc-title")).not_to_be_empty()
        expect(page.locator("#outline-list a").first).to_be_visible()
        page.screenshot(path=str(artifacts / f"view-highlight-{name}.png"))

        # Back returns to the question and its answer.
        page.go_back()
        expect(page.locator("#answer a.marker").first).to_be_visible()
        expect(page.get_by_label("Câu hỏi về nội dung văn bản")).to_have_value(QUESTION)


def test_keyboard_only_use(browser: Browser, live_server: LiveServer, page_errors: PageErrors) -> None:
    with browser_page(browser, page_errors, DESKTOP) as (_, page):
        page.goto(live_server.url + "/")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Bỏ qua, đến ô câu hỏi")).to_be_focused()
        page.keyboard.press("Enter")
        question = page.get_by_label("Câu hỏi về nội dung văn bản")
        expect(question).to_be_focused()
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        expect(page.locator("#answer a.marker").first).to_be_visible()
        for _ in range(20):  # Hỏi, two filters, the sample questions, then the answer's markers
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('marker')"):
                break
        focused = page.locator("#answer a.marker:focus")
        expect(focused).to_have_count(1)
        assert focused.evaluate("e => getComputedStyle(e).outlineStyle") != "none", "visible focus"
        page.keyboard.press("Enter")
        expect(page.locator("#trich-dan")).to_be_in_viewport()


def test_filters_come_from_the_documents_and_are_sent(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    with live_server.client() as client:
        documents = client.get("/documents").json()["documents"]
    province = "Lạng Sơn"
    in_province = {d["doc_id"] for d in documents if d["province"] == province}
    assert in_province, "the seeds have Lạng Sơn documents"

    with browser_page(browser, page_errors, DESKTOP) as (_, page):
        page.goto(live_server.url + "/")
        provinces = page.get_by_label("Tỉnh, thành phố")
        expect(provinces.locator("option", has_text=province)).to_have_count(1)
        provinces.select_option(province)
        options = page.get_by_label("Văn bản", exact=True).locator("option")
        values = {v for v in options.evaluate_all("os => os.map(o => o.value)") if v}
        assert values == in_province

        with page.expect_request(lambda r: r.url.endswith("/ask")) as request:
            ask_on_page(page, QUESTION)
        assert json_body(request.value)["filters"] == {"province": province}
        expect(page.locator("#result")).to_be_visible()
        expect(page.locator("#result")).to_have_attribute("aria-busy", "false")
        for href in page.locator("#sources a.badge, #related a.open-link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        ):
            assert cited_span(href)[0] in in_province


SSE_SAMPLE = (
    ": keep-alive\r\n\r\n"
    'event: passages\r\ndata: {"passages": []}\r\n\r\n'
    'event: delta\rdata: {"text": "Sở "}\r\r'
    'event: delta\ndata: {"text":\ndata: "Xây dựng"}\n\n'
    'event: answer\ndata: {"answer": "Sở Xây dựng [1]"}\n\n'
)


def test_stream_parser_handles_any_chunking(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    with browser_page(browser, page_errors, DESKTOP) as (_, page):
        page.goto(live_server.url + "/")
        whole, by_char = page.evaluate(
            """async (text) => {
                const { SseParser } = await import('/static/api.js');
                const parse = (pieces) => {
                    const parser = new SseParser();
                    return pieces.flatMap((piece) => parser.push(piece));
                };
                return [parse([text]), parse([...text])];
            }""",
            SSE_SAMPLE,
        )
    assert whole == by_char
    assert [event["event"] for event in whole] == ["passages", "delta", "delta", "answer"]
    assert json.loads(whole[2]["data"]) == {"text": "Xây dựng"}, "multi-line data joins with newlines"


def test_highlights_follow_code_point_offsets(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    # Python offsets count code points; an emoji before the quote must not shift the highlight.
    with browser_page(browser, page_errors, DESKTOP) as (_, page):
        page.goto(live_server.url + "/")
        marked = page.evaluate(
            """async () => {
                const { highlighted, utf16Offsets } = await import('/static/render.js');
                const text = '📄 Giao Sở Xây dựng chủ trì; 🏠 Sở Tài chính phối hợp.';
                const at = utf16Offsets(text);
                const box = document.createElement('div');
                box.append(highlighted(text, [
                    { start: at(7), end: at(18) },
                    { start: at(30), end: at(43) },
                    { start: at(12), end: at(20) },
                ]));
                return [...box.querySelectorAll('mark')].map((m) => m.textContent);
            }"""
        )
    assert marked == ["Sở Xây dựng c", "Sở Tài chính "]


def test_broken_stream_falls_back_to_a_plain_request(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    seen: list[dict[str, Any]] = []

    def broken_stream(route: Route, request: Request) -> None:
        body = json_body(request)
        seen.append(body)
        if body.get("stream"):
            # The connection drops after the first event: no `answer` ever comes.
            route.fulfill(
                status=200,
                content_type="text/event-stream",
                body='event: passages\ndata: {"passages": []}\n\n',
            )
        else:
            route.continue_()

    with browser_page(browser, page_errors, DESKTOP) as (context, page):
        context.route("**/ask", broken_stream)
        page.goto(live_server.url + "/")
        ask_on_page(page, QUESTION)
        expect(page.locator("#answer a.marker").first).to_be_visible()
        expect(page.locator("#answer")).to_contain_text("Sở Xây dựng")
        assert [body.get("stream") for body in seen] == [True, False]


def test_a_question_asked_while_the_page_loads_is_asked_once(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    # The page asks the question in its address bar once the document list is in. A user (or a test on a
    # loaded machine) may ask before that: the URL then holds their question, which must not be asked again.
    held: list[Route] = []
    asked: list[dict[str, Any]] = []

    def record(route: Route, request: Request) -> None:
        asked.append(json_body(request))
        route.continue_()

    with browser_page(browser, page_errors, DESKTOP) as (context, page):
        context.route("**/documents", lambda route, _request: held.append(route))
        context.route("**/ask", record)
        page.goto(live_server.url + "/")
        ask_on_page(page, QUESTION)
        expect(page.locator("#answer")).to_contain_text("Sở Xây dựng")
        assert held, "the document list was not requested"
        for route in held:
            route.continue_()
        expect(page.locator("#document option")).not_to_have_count(1)  # the list is in
        page.evaluate("() => new Promise((done) => setTimeout(done, 200))")  # let a stray request start
        expect(page.locator("#answer")).to_contain_text("Sở Xây dựng")
        assert [body["question"] for body in asked] == [QUESTION]


def test_crlf_event_stream_is_parsed(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    with live_server.client() as client:
        answer = client.post("/ask", json={"question": QUESTION}).json()
    events = [
        ("passages", {"passages": answer["passages"]}),
        ("delta", {"text": answer["answer"]}),
        ("answer", answer),
    ]
    # Proxies and some servers use CRLF line ends and comments (keep-alives).
    body = ": ping\r\n\r\n" + "".join(
        f"event: {event}\r\ndata: {json.dumps(data, ensure_ascii=False)}\r\n\r\n" for event, data in events
    )
    with browser_page(browser, page_errors, DESKTOP) as (context, page):
        context.route(
            "**/ask", lambda route: route.fulfill(status=200, content_type="text/event-stream", body=body)
        )
        page.goto(live_server.url + "/")
        ask_on_page(page, QUESTION)
        cited = {str(c["marker"]) for c in answer["citations"]}
        markers = [n for n in re.findall(r"\[(\d+)\]", answer["answer"]) if n in cited]
        assert markers, "the real answer has citation markers"
        expect(page.locator("#answer a.marker")).to_have_count(len(markers))
        expect(page.locator("#source-list > li").first).to_be_visible()


def test_problem_detail_is_shown(browser: Browser, live_server: LiveServer, page_errors: PageErrors) -> None:
    detail = "Bạn đã hỏi quá nhiều lần; vui lòng thử lại sau 30 giây."
    problem = {"type": "about:blank", "title": "Too Many Requests", "status": 429, "detail": detail}
    with browser_page(browser, page_errors, DESKTOP) as (context, page):
        context.route(
            "**/ask",
            lambda route: route.fulfill(
                status=429, content_type="application/problem+json", body=json.dumps(problem)
            ),
        )
        page.goto(live_server.url + "/")
        ask_on_page(page, QUESTION)
        expect(page.get_by_role("alert")).to_contain_text(detail)
        expect(page.locator("#result")).to_be_hidden()
        expect(page.get_by_role("button", name="Hỏi")).to_be_enabled()


def test_real_validation_error_is_shown(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    too_long = "nhà ở xã hội " * (live_server.settings.max_query_chars // 10)
    with browser_page(browser, page_errors, DESKTOP) as (_, page):
        page.goto(live_server.url + "/")
        # The text box caps input at 2000 characters; go around it like a pasted script would.
        page.locator("#question").evaluate(
            "(box, text) => { box.removeAttribute('maxlength'); box.value = text; }", too_long
        )
        page.locator("#question").press("Enter")
        alert = page.get_by_role("alert")
        expect(alert).to_be_visible()
        assert "HTTP" not in (alert.text_content() or ""), "the API's own detail is shown, not a status code"


def test_abstention_is_shown_plainly(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    with browser_page(browser, page_errors, DESKTOP) as (_, page):
        page.goto(live_server.url + "/")
        ask_on_page(page, "Giá vé máy bay từ Hà Nội đi Paris tháng sau là bao nhiêu?")
        result = page.locator("#result")
        expect(result).to_have_attribute("aria-busy", "false")
        expect(result).to_have_class(re.compile("abstained"))
        expect(result).to_contain_text("Chưa tìm thấy câu trả lời")
        expect(page.locator("#answer a.marker")).to_have_count(0)
        expect(page.locator("#sources")).to_be_hidden()


def test_document_view_reports_unknown_documents_and_bad_spans(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    with live_server.client() as client:
        doc_id = client.get("/documents").json()["documents"][0]["doc_id"]
    with browser_page(browser, page_errors, DESKTOP) as (_, page):
        page.goto(f"{live_server.url}/view/khong-co-van-ban-nay")
        expect(page.get_by_role("alert")).to_contain_text("khong-co-van-ban-nay")

        page.goto(f"{live_server.url}/view/{doc_id}?start=50&end=10")
        expect(page.locator("#doc-text")).not_to_be_empty()
        expect(page.locator("#cite-bar")).to_contain_text("không hợp lệ")
        expect(page.locator("mark.cited")).to_have_count(0)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "viewport"), VIEWPORTS)
def test_widget_streams_keeps_history_and_stays_isolated(
    browser: Browser,
    live_server: LiveServer,
    artifacts: Path,
    page_errors: PageErrors,
    name: str,
    viewport: ViewportSize,
) -> None:
    with browser_page(browser, page_errors, viewport) as (context, page):
        page.goto(live_server.url + "/widget-demo")
        bubble = page.get_by_role("button", name="Mở trợ lý hỏi đáp văn bản")
        expect(bubble).to_be_visible()
        bubble.click()
        box = page.get_by_role("textbox", name="Câu hỏi của bạn")
        expect(box).to_be_focused()

        with page.expect_request(lambda r: r.url.endswith("/ask")) as first:
            box.fill(QUESTION)
            box.press("Enter")
        first_body = json_body(first.value)
        assert first_body["stream"] is True
        assert not first_body.get("history")
        answers = page.locator("tracuu-widget .msg.bot:not(.thinking)")  # the greeting is the first
        expect(page.locator("tracuu-widget .log")).to_have_attribute("aria-busy", "false")
        expect(answers.nth(1)).to_contain_text("Sở Xây dựng")
        first_answer = answers.nth(1).locator(".text").text_content()

        with page.expect_request(lambda r: r.url.endswith("/ask")) as second:
            box.fill(FOLLOW_UP)
            box.press("Enter")
        history = json_body(second.value)["history"]
        assert [turn["role"] for turn in history] == ["user", "assistant"]
        assert history[0]["content"] == QUESTION
        assert history[1]["content"].strip() == (first_answer or "").strip()
        assert "Sở Xây dựng" in history[1]["content"]
        expect(page.locator("tracuu-widget .log")).to_have_attribute("aria-busy", "false")
        expect(answers.nth(2)).to_be_visible()

        # The portal's `* { color: red !important; font-size: 30px }` does not reach inside.
        title = page.locator("tracuu-widget .header h2")
        assert title.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
        message = page.locator("tracuu-widget .msg.user").first
        assert message.evaluate("e => getComputedStyle(e).fontSize") == "15px"
        assert box.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
        # ...and the widget's styles do not leak out.
        portal_text = page.locator(".portal-main p").first
        assert portal_text.evaluate("e => getComputedStyle(e).color") == "rgb(255, 0, 0)"
        page.mouse.move(0, 0)  # no hover effect on the bubble in the picture
        page.screenshot(path=str(artifacts / f"widget-follow-up-{name}.png"))

        # Citations open the document view at the span, in a new tab.
        link = page.locator("tracuu-widget .sources a").first
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", re.compile("noopener"))
        doc_id, start, end = cited_span(link.get_attribute("href") or "")
        with context.expect_page() as opened:
            link.click()
        view = opened.value
        expect(view.locator("#trich-dan")).to_be_in_viewport()
        assert (
            "".join(view.locator("mark.cited").all_text_contents())
            == document_text(live_server, doc_id)[start:end]
        )
        view.close()

        # Escape closes the panel and gives the focus back to the bubble.
        box.focus()
        page.keyboard.press("Escape")
        expect(page.locator("tracuu-widget .panel")).to_be_hidden()
        expect(page.locator("tracuu-widget .bubble")).to_be_focused()
        expect(page.locator("tracuu-widget .bubble")).to_have_attribute("aria-expanded", "false")


PORTAL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>
<script src="/widget.js" data-api-key="portal-key-123" data-position="left" data-color="#8a1538"
  data-title="Hỏi đáp Sở Nội vụ" data-greeting="Hello from the portal" data-lang="en" defer></script>
</head><body><h1>Some portal</h1></body></html>"""


def test_widget_options_api_key_and_saved_conversation(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> None:
    portal = f"{live_server.url}/__portal__"
    with browser_page(browser, page_errors, DESKTOP) as (context, page):
        context.route(
            portal, lambda route: route.fulfill(status=200, content_type="text/html", body=PORTAL_PAGE)
        )
        page.goto(portal)
        bubble = page.get_by_role("button", name="Open the document assistant")
        box = bubble.bounding_box()
        assert box is not None and box["x"] < DESKTOP["width"] / 2, "data-position=left"
        assert bubble.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(138, 21, 56)"
        bubble.click()
        expect(page.get_by_role("dialog", name="Hỏi đáp Sở Nội vụ")).to_be_visible()
        expect(page.locator("tracuu-widget .log")).to_contain_text("Hello from the portal")

        with page.expect_request(lambda r: r.url.endswith("/ask")) as request:
            page.get_by_role("textbox", name="Your question").fill(QUESTION)
            page.get_by_role("button", name="Send question").click()
        assert request.value.headers["x-api-key"] == "portal-key-123"
        expect(page.locator("tracuu-widget .msg.bot .marker").first).to_be_visible()

        # The conversation survives a navigation on the portal (sessionStorage), until reset.
        page.reload()
        page.get_by_role("button", name="Open the document assistant").click()
        expect(page.locator("tracuu-widget .msg.user")).to_contain_text([QUESTION])
        page.get_by_role("button", name="Start a new conversation").click()
        expect(page.locator("tracuu-widget .msg.user")).to_have_count(0)


XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=2">'
XSS_DOCUMENT = f"""KẾ HOẠCH {XSS_IMG}
Về việc trồng thử nghiệm giống chè hoa vàng trên địa bàn xã Kim Bôi {XSS_SCRIPT}
I. NHIỆM VỤ
1. Trung tâm Khuyến nông chủ trì trồng thử nghiệm giống chè hoa vàng tại xã Kim Bôi {XSS_SCRIPT} và báo cáo kết quả {XSS_IMG} trước ngày 15/6.
2. Hợp tác xã chè hoa vàng Kim Bôi phối hợp chăm sóc vườn ươm {XSS_IMG}.
"""
XSS_QUESTION = "ai chu tri trong thu nghiem giong che hoa vang o xa Kim Boi"


@pytest.mark.slow
def test_markup_in_a_document_stays_inert_text(
    browser: Browser, live_server: LiveServer, artifacts: Path, page_errors: PageErrors, tmp_path: Path
) -> None:
    source = tmp_path / "thu-nghiem-che-hoa-vang-xss.txt"
    source.write_text(XSS_DOCUMENT, encoding="utf-8")
    with live_server.client(headers=live_server.admin_headers) as client:
        with source.open("rb") as handle:
            uploaded = client.post("/documents", files={"file": (source.name, handle, "text/plain")})
        assert uploaded.status_code == 201, uploaded.text
        doc_id = uploaded.json()["doc_id"]
        try:
            # CSP is bypassed on purpose: the rendering alone must keep the markup inert.
            with browser_page(browser, page_errors, DESKTOP, bypass_csp=True) as (_, page):
                page.goto(f"{live_server.url}/?doc={doc_id}")
                expect(page.get_by_label("Văn bản", exact=True)).to_have_value(doc_id)
                ask_on_page(page, XSS_QUESTION)
                expect(page.locator("#result")).to_be_visible()
                expect(page.locator("#result")).to_have_attribute("aria-busy", "false")
                shown = page.locator("main")
                expect(shown).to_contain_text(XSS_SCRIPT)
                expect(shown).to_contain_text(XSS_IMG)
                assert page.locator("main img, main script").count() == 0
                page.screenshot(path=str(artifacts / "xss-page.png"), full_page=True)
                assert page.evaluate("() => window.__xss") is None

                page.goto(f"{live_server.url}/view/{doc_id}")
                expect(page.locator("#doc-text")).to_contain_text(XSS_SCRIPT)
                expect(page.locator("#doc-text")).to_contain_text(XSS_IMG)
                assert page.locator("#doc-text *:not(span):not(mark)").count() == 0
                page.screenshot(path=str(artifacts / "xss-view.png"))
                assert page.evaluate("() => window.__xss") is None

                page.goto(f"{live_server.url}/widget-demo")
                page.get_by_role("button", name="Mở trợ lý hỏi đáp văn bản").click()
                box = page.get_by_role("textbox", name="Câu hỏi của bạn")
                box.fill(XSS_QUESTION)
                box.press("Enter")
                expect(page.locator("tracuu-widget .log")).to_have_attribute("aria-busy", "false")
                reply = page.locator("tracuu-widget .msg.bot").nth(1)
                expect(reply).to_be_visible()
                assert page.locator("tracuu-widget img, tracuu-widget .log script").count() == 0
                page.wait_for_timeout(300)  # give any injected handler the chance to run
                assert page.evaluate("() => window.__xss") is None
        finally:
            assert client.delete(f"/documents/{doc_id}").status_code == 204
        assert client.get(f"/documents/{doc_id}").status_code == 404
