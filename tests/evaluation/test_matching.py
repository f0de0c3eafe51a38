from __future__ import annotations

from evaluation.matching import contains, contains_all, contains_any, match_key


def test_match_key_folds_case_diacritics_d_punctuation_and_spacing() -> None:
    assert match_key("Sở Xây dựng") == "so xay dung"
    assert match_key("ĐÔN ĐỐC,  đôn\nđốc") == "don doc don doc"
    assert match_key("Phòng Tài chính - Kế hoạch") == "phong tai chinh ke hoach"
    assert match_key("Phòng Tài chính–Kế hoạch") == "phong tai chinh ke hoach"
    assert match_key("0,5% - 1%") == "0 5 1"


def test_old_and_new_tone_styles_match() -> None:
    assert contains("Nhà văn hoá thôn", "Nhà Văn hóa")
    assert contains("Ủy ban nhân dân", "uỷ ban")


def test_contains_is_on_token_boundaries() -> None:
    assert contains("tỉ lệ thất nghiệp dưới 4%", "4%")
    assert not contains("tỉ lệ thất nghiệp dưới 14%", "4%")
    assert not contains("đạt 40 căn", "4")
    assert contains("Xây dựng được 6.084 căn hộ", "6.084")
    assert not contains("Xây dựng được 16.084 căn hộ", "6.084")
    # Whole tokens, not whole phrases: a run of leading tokens is a match, a split token is not.
    assert contains("Sở Xây dựng", "Sở Xây")
    assert not contains("Sở Xây dựng", "Sở Xâ")


def test_contains_across_line_breaks_and_without_diacritics() -> None:
    text = "về Sở Xây dựng trước\nngày 01/12 hàng năm"
    assert contains(text, "so xay dung truoc ngay 01/12")
    assert contains(text.upper(), "Sở Xây dựng trước ngày 01/12")


def test_empty_needles_never_match() -> None:
    assert not contains("anything", "")
    assert not contains("anything", " - ")
    assert not contains_any("anything", [])
    assert not contains_all("anything", ["", "anything"])


def test_any_and_all() -> None:
    answer = "Sở Xây dựng, trước ngày 01/12 hằng năm [1]"
    assert contains_any(answer, ["Department of Construction", "Sở Xây dựng"])
    assert contains_all(answer, ["Sở Xây dựng", "01/12"])
    assert not contains_all(answer, ["Sở Xây dựng", "01/11"])
    assert contains_all(answer, [])
