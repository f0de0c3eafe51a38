"""English questions and agency names: language detection, translation, English names for answers."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from index.analysis import canonical_key
from index.glossary import Glossary, default_glossary, english_name, expand_english, is_english

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return default_glossary()


@pytest.mark.parametrize(
    "question",
    [
        "Which department is responsible for social housing?",
        "Who leads the tourism recovery plan in Lang Son?",
        "Who leads the tourism recovery plan in Lạng Sơn?",
        "Who is in charge of passports?",
        "hospital",
        "What is the unemployment target in Ninh Thuan?",
        "When must the units report on Directive 24?",
    ],
)
def test_english_questions_are_detected(question: str) -> None:
    assert is_english(question)


@pytest.mark.parametrize(
    "question",
    [
        "so nao phu trach nha o xa hoi",
        "ai phu trach mo cua truong hoc an toan",
        "so nao tham muu chuong trinh phong chong dich covid o lang son",
        "ke hoach 46/KH-UBND ban hanh ngay nao",
        "an toan thuc pham",
        "the thao",
        "Lang Son",
        "Sở nào phụ trách cấp hộ chiếu?",
        "UBND cap huyen o Hau Giang phai lam gi ve quy dat",
        "",
        "2030",
    ],
)
def test_vietnamese_with_or_without_diacritics_is_not_english(question: str) -> None:
    assert not is_english(question)
    assert expand_english(question) == question


def test_dev_questions_are_classified_by_their_variant() -> None:
    if not DEV.exists():
        pytest.skip(f"{DEV} not present")
    for line in DEV.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        assert is_english(item["question"]) == (item["variant"] == "english"), item["question"]


def test_social_housing_question_becomes_vietnamese() -> None:
    expanded = expand_english("Which department is responsible for social housing?")
    assert "nhà ở xã hội" in expanded
    assert "Sở" in expanded and "chủ trì" in expanded
    assert "Which" not in expanded and " is " not in f" {expanded} "


def test_longest_phrase_wins_and_unknown_names_are_kept(glossary: Glossary) -> None:
    translated = glossary.translate("Who leads the tourism recovery plan in Lang Son?")
    assert "phục hồi ngành du lịch" in translated
    assert "Lang Son" in translated
    assert "Sở Y tế" in glossary.translate("the Department of Health")


def test_international_cooperation_is_not_coordination(glossary: Glossary) -> None:
    # "cooperation" alone is "phối hợp" (working with another agency); the field is "hợp tác quốc tế".
    translated = glossary.translate("international cooperation on social policy")
    assert "hợp tác quốc tế" in translated and "phối hợp" not in translated


def test_a_city_is_a_thanh_pho(glossary: Glossary) -> None:
    # "Tuyen Quang city" is "thành phố Tuyên Quang"; "urban" alone is "đô thị".
    assert "thành phố" in glossary.translate("What urban class should Tuyen Quang city reach?")
    assert "loại đô thị" in glossary.translate("What urban class should Tuyen Quang city reach?")


def test_other_forms_are_looked_up_by_their_stem(glossary: Glossary) -> None:
    assert "hỗ trợ" in glossary.translate("supporting enterprises")
    assert "bồi thường giải phóng mặt bằng" in glossary.translate("Who handled land clearance?")
    # A stem shared by two listed words of different meaning looks nothing up: the listed forms decide.
    assert glossary.translate("planning") == "quy hoạch" and glossary.translate("plan") == "kế hoạch"
    assert glossary.translate("directive") == "chỉ thị" and glossary.translate("direct") == "chỉ đạo"


def test_plural_forms_are_looked_up(glossary: Glossary) -> None:
    assert "hộ chiếu" in glossary.translate("passports")
    assert "bệnh viện" in glossary.translate("hospitals")


@pytest.mark.parametrize(
    ("vietnamese", "english"),
    [
        ("Sở Xây dựng", "Department of Construction"),
        ("Sở Xây dựng tỉnh Tuyên Quang", "Department of Construction"),
        ("Sở LĐ-TB&XH", "Department of Labour, Invalids and Social Affairs"),
        ("Sở Lao động - Thương binh và Xã hội", "Department of Labour, Invalids and Social Affairs"),
        ("Sở Văn hoá - Thể thao và Du lịch", "Department of Culture, Sports and Tourism"),
        ("so ke hoach va dau tu", "Department of Planning and Investment"),
        ("Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "Social Policy Bank"),
        ("Cục Thuế tỉnh", "Provincial Tax Department"),
        ("Ban Quản lý các Khu công nghiệp tỉnh", "Industrial Zones Management Board"),
        ("UBND tỉnh", "Provincial People's Committee"),
    ],
)
def test_english_names_of_agencies(vietnamese: str, english: str) -> None:
    assert english_name(vietnamese) == english


def test_unknown_agency_has_no_english_name() -> None:
    assert english_name("Công ty Cổ phần ABC") is None
    assert english_name("") is None


def test_vietnamese_name_of_an_english_agency(glossary: Glossary) -> None:
    assert glossary.vietnamese_name("Department of Labor, Invalids and Social Affairs") == (
        "Sở Lao động - Thương binh và Xã hội"
    )
    assert glossary.vietnamese_name("Ministry of Magic") is None


def test_glossary_data_is_consistent(glossary: Glossary) -> None:
    raw = json.loads(
        Path(__file__).resolve().parents[2].joinpath("index/data/glossary.json").read_text("utf-8")
    )
    assert len(raw["terms"]) + len(raw["agencies"]) >= 300
    meanings: dict[str, set[str]] = defaultdict(set)
    for item in raw["terms"]:
        assert item["en"] and item["vi"], item
        vietnamese = item["vi"] if isinstance(item["vi"], str) else " ".join(item["vi"])
        for phrase in item["en"]:
            meanings[phrase.lower()].add(vietnamese)
    ambiguous = {phrase: found for phrase, found in meanings.items() if len(found) > 1}
    assert not ambiguous, f"English terms with two translations: {ambiguous}"
    keys = [canonical_key(agency.vietnamese) for agency in glossary.agencies]
    assert len(keys) == len(set(keys)), "two agencies share a Vietnamese name"


def test_kinds_of_one_thing_are_told_apart() -> None:
    kinds = {" ".join(k) for k in default_glossary().kinds_of}
    assert {"bao hiem xa hoi", "bao hiem y te", "bao hiem that nghiep"} <= kinds
    assert "nha o xa hoi" not in kinds  # no other kind of "nhà ở" in the glossary
