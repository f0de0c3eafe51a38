"""A synthetic corpus of N chunks recombined from the real documents, for scale benchmarks.

Real sentences of the seed plans and real ALQAC articles are recombined into new plan-like and law-like
documents with varied numbers, dates, agencies and provinces, so that the vocabulary, lengths and
structure of the text stay those of real government documents (no random strings). Each section is sized to
become one chunk; the actual chunk count is what the index builder reports. Documents are written one by
one (streaming), so memory stays flat at any N.

    python -m evaluation.synth --chunks 100000 --out var/synth/100k
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus.normalize import normalize_text

__all__ = ["SourcePools", "SynthReport", "generate", "load_pools"]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO / "corpus" / "documents"
DEFAULT_ALQAC = REPO.parent / "shared" / "external" / "alqac2023" / "corpus"
SECTIONS_PER_DOC = 40
FILES_PER_DIR = 1000

PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình",
    "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên",
    "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip
DISTRICTS = ("Văn Quan", "Chi Lăng", "Hữu Lũng", "Bắc Sơn", "Na Hang", "Sơn Dương", "Ninh Phước", "Vị Thủy")
AGENCIES = (
    "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Tài chính", "Sở Kế hoạch và Đầu tư",
    "Sở Lao động - Thương binh và Xã hội", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Công Thương", "Sở Giao thông vận tải", "Sở Văn hóa, Thể thao và Du lịch", "Sở Thông tin và Truyền thông",
    "Sở Nội vụ", "Sở Tư pháp", "Sở Khoa học và Công nghệ", "Công an tỉnh", "Bảo hiểm xã hội tỉnh", "Cục Thuế tỉnh",
    "Ban Quản lý các Khu công nghiệp tỉnh", "Ngân hàng Chính sách xã hội",
)  # fmt: skip
# Web-page debris some seeds carry after the signature; never recombined.
_DEBRIS = ("Nhấp vào", "micro", "bạn đọc", "tìm kiếm", "Màn hình", "nói không quá nhanh")
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ\-])")
_HEADING = re.compile(r"^(?:[IVX]+|\d+(?:\.\d+)*)\.\s+(?P<title>\S.{4,140})$")
_ARTICLE = re.compile(r"^Điều\s+\d+\.\s*(?P<title>.*)$")


@dataclass
class SourcePools:
    """Real text the generator recombines."""

    sentences: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    law_names: list[str] = field(default_factory=list)
    article_titles: list[str] = field(default_factory=list)
    article_paragraphs: list[str] = field(default_factory=list)


def _read(path: Path) -> str:
    return normalize_text(path.read_text(encoding="utf-8", errors="replace"))


def _plan_material(text: str, pools: SourcePools) -> None:
    lines = [line.strip() for line in text.split("\n") if line.strip() and line.strip() != "|"]
    for line in lines:
        match = _HEADING.match(line)
        if match and not any(d in line for d in _DEBRIS):
            pools.headings.append(match.group("title").split(";")[0].rstrip(" ,:"))
    # Hard-wrapped seeds: join everything, then cut into sentences.
    for sentence in _SENTENCE_END.split(" ".join(lines)):
        sentence = sentence.strip(" |")
        if 40 <= len(sentence) <= 500 and not any(d in sentence for d in _DEBRIS) and "|" not in sentence:
            pools.sentences.append(sentence)


def _law_material(text: str, pools: SourcePools) -> None:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines:
        pools.law_names.append(lines[0])
    for line in lines[1:]:
        match = _ARTICLE.match(line)
        if match:
            if 5 <= len(match.group("title")) <= 150:
                pools.article_titles.append(match.group("title"))
        elif 30 <= len(line) <= 900:
            pools.article_paragraphs.append(line)


def load_pools(seeds_dir: Path = DEFAULT_SEEDS, alqac_dir: Path | None = DEFAULT_ALQAC) -> SourcePools:
    """Collect sentences and headings of the seeds and, when present, ALQAC articles."""
    pools = SourcePools()
    for path in sorted(seeds_dir.glob("*.txt")):
        _plan_material(_read(path), pools)
    if alqac_dir is not None and alqac_dir.is_dir():
        for path in sorted(alqac_dir.glob("*.txt")):
            _law_material(_read(path), pools)
    if not pools.sentences:
        raise FileNotFoundError(f"no seed text found in {seeds_dir}")
    return pools


# Substitutions -------------------------------------------------------------------------------------

_NUMBERS = re.compile(
    r"(?P<date>\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b)"
    r"|(?P<daymonth>\b\d{1,2}/\d{1,2}\b)"
    r"|(?P<docno>\b\d{1,5}(?=/[A-ZĐ]))"
    r"|(?P<year>\b(?:19|20)\d{2}\b)"
    r"|(?P<percent>\b\d{1,3}(?:,\d+)?(?=%))"
    r"|(?P<number>\b\d{1,3}(?:\.\d{3})+\b|\b\d+\b)",
)
# Names with numbers in them ("COVID-19", "Km18", "QH15") are left alone.
_NAMED = re.compile(r"[^\W\d_]-?$")


def _vary_numbers(text: str, rng: random.Random, year_shift: int) -> str:
    """Vary numbers; years move by one shift per document so that ranges like 2021-2025 stay ordered."""

    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        value = match.group(0)
        if _NAMED.search(text, max(0, match.start() - 2), match.start()):
            return value
        if kind == "date":
            year = int(value.rsplit("/", 1)[1]) + year_shift
            return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"
        if kind == "daymonth":
            return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}"
        if kind == "year":
            return str(int(value) + year_shift)
        if kind == "percent":
            return str(rng.randint(1, 100))
        digits = len(value.replace(".", ""))
        number = rng.randint(10 ** (digits - 1) if digits > 1 else 0, 10**digits - 1)
        return f"{number:,}".replace(",", ".") if "." in value else str(number)

    return _NUMBERS.sub(replace, text)


def _alternation(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


_PROVINCE_RE = _alternation(PROVINCES)
_DISTRICT_RE = _alternation(DISTRICTS)
_AGENCY_RE = _alternation(AGENCIES)


@dataclass(frozen=True)
class _Place:
    province: str
    district: str
    year_shift: int


def _place(rng: random.Random) -> _Place:
    return _Place(rng.choice(PROVINCES), rng.choice(DISTRICTS), rng.randint(-6, 6))


def _substitute(text: str, rng: random.Random, place: _Place) -> str:
    text = _PROVINCE_RE.sub(place.province, text)
    text = _DISTRICT_RE.sub(place.district, text)
    text = _AGENCY_RE.sub(lambda m: rng.choice(AGENCIES) if rng.random() < 0.5 else m.group(0), text)
    return _vary_numbers(text, rng, place.year_shift)


# Documents -----------------------------------------------------------------------------------------

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _body(pool: list[str], rng: random.Random, fix: Callable[[str], str], low: int, high: int) -> str:
    target = rng.randint(low, high)
    parts: list[str] = []
    size = 0
    while size < target:
        sentence = fix(rng.choice(pool))
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)


def _plan_document(pools: SourcePools, rng: random.Random, sections: int) -> str:
    place = _place(rng)
    province = place.province

    def fix(text: str) -> str:
        return _substitute(text, rng, place)

    number = rng.randint(1, 3000)
    lines = [
        "ỦY BAN NHÂN DÂN",
        f"TỈNH {province.upper()}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}/KH-UBND",
        f"{province}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {rng.randint(2018, 2025)}",
        "",
        "KẾ HOẠCH",
        fix(rng.choice(pools.headings)).upper() + f" TRÊN ĐỊA BÀN TỈNH {province.upper()}",
        "",
        _body(pools.sentences, rng, fix, 200, 500),
        "",
    ]
    parts = min(len(_ROMAN), max(1, sections // 8))
    per_part = [sections // parts + (1 if i < sections % parts else 0) for i in range(parts)]
    for part, count in enumerate(per_part):
        lines += [f"{_ROMAN[part]}. {fix(rng.choice(pools.headings)).upper()}", ""]
        for item in range(1, count + 1):
            lines += [
                f"{item}. {fix(rng.choice(pools.headings))}",
                _body(pools.sentences, rng, fix, 350, 850),
                "",
            ]
    lines += ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    return "\n".join(lines) + "\n"


def _law_document(pools: SourcePools, rng: random.Random, sections: int) -> str:
    place = _place(rng)

    def fix(text: str) -> str:
        return _substitute(text, rng, place)

    lines = [f"{rng.choice(pools.law_names)} (VĂN BẢN TỔNG HỢP SỐ {rng.randint(1, 99)})", ""]
    for article in range(1, sections + 1):
        lines += [f"Điều {article}. {fix(rng.choice(pools.article_titles))}"]
        target = rng.randint(300, 850)
        size = 0
        while size < target:
            paragraph = fix(rng.choice(pools.article_paragraphs))
            lines.append(paragraph)
            size += len(paragraph)
        lines.append("")
    return "\n".join(lines) + "\n"


@dataclass
class SynthReport:
    """What :func:`generate` wrote."""

    out_dir: Path
    documents: int
    sections: int
    chars: int


def _documents(pools: SourcePools, sections: int, seed: int) -> Iterator[tuple[int, int, str]]:
    index = 0
    left = sections
    while left > 0:
        count = min(SECTIONS_PER_DOC, left)
        rng = random.Random(f"{seed}:{index}")
        law = bool(pools.article_paragraphs) and rng.random() < 0.4
        text = _law_document(pools, rng, count) if law else _plan_document(pools, rng, count)
        yield index, count, text
        index += 1
        left -= count


def generate(
    out_dir: Path,
    chunks: int,
    *,
    seed: int = 0,
    seeds_dir: Path = DEFAULT_SEEDS,
    alqac_dir: Path | None = DEFAULT_ALQAC,
) -> SynthReport:
    """Write documents with about ``chunks`` sections in total into ``out_dir`` (deterministic for a seed)."""
    if chunks <= 0:
        raise ValueError("chunks must be positive")
    pools = load_pools(seeds_dir, alqac_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    documents = sections = chars = 0
    for index, count, text in _documents(pools, chunks, seed):
        folder = out_dir / f"{index // FILES_PER_DIR:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"synth-{index:07d}.txt").write_text(text, encoding="utf-8")
        documents += 1
        sections += count
        chars += len(text)
    return SynthReport(out_dir, documents, sections, chars)


def main(argv: list[str] | None = None) -> int:
    """``python -m evaluation.synth --chunks N --out DIR``."""
    parser = argparse.ArgumentParser(prog="python -m evaluation.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, required=True, help="number of sections (≈ chunks) to generate")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--alqac-dir", type=Path, default=DEFAULT_ALQAC)
    args = parser.parse_args(argv)
    report = generate(
        args.out, args.chunks, seed=args.seed, seeds_dir=args.seeds_dir, alqac_dir=args.alqac_dir
    )
    print(
        f"{report.documents} documents, {report.sections} sections, {report.chars / 1e6:.1f} M chars in {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
