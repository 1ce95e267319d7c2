"""The cited PDF page as an image: the quote highlighted where the text layer has positions, said where not."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from assistant.web import page_view as pv
from tests.documents import LINE, TOP, pdf, scanned_pdf

PAGE_HEIGHT = 792  # points, US Letter
LINES = [
    "Lithium Survey 2026",
    "The survey counted eleven lithium brine sites in the northern",
    "basin. Each site was visited by the geology team in spring.",
    "The estimate will be reviewed in 2028.",
]


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = pdf(tmp_path_factory.mktemp("pdf") / "survey.pdf", [LINES, ["A second page of text."]])
    return path.read_bytes()


def yellow(view: pv.PageView, box: tuple[int, int, int, int] | None = None) -> int:
    """How many pixels (of `box`, else of the page) carry the highlight's yellow, as a highlighter leaves it."""
    image = Image.open(io.BytesIO(view.png)).convert("RGB")
    region = image.crop(box) if box else image
    return sum(1 for r, g, b in region.get_flattened_data() if r > 240 and 200 < g < 240 and 80 < b < 120)


def line_top(line: int, view: pv.PageView) -> float:
    """The pixel height of the top of LINES[line] (its baseline less a 10-point font's ascent)."""
    scale = view.width / 612
    return (PAGE_HEIGHT - (TOP - line * LINE) - 8) * scale


def test_a_quote_with_positions_is_highlighted_on_its_lines(survey: bytes) -> None:
    view = pv.page_view(survey, 1, "Each site was visited by the geology team in spring.")
    assert view is not None and view.marked and view.note == pv.MARKED
    assert len(view.boxes) == 1
    left, top, right, bottom = view.boxes[0]
    assert abs(top - line_top(2, view)) < 8 and bottom - top < 25 and right > left
    assert yellow(view, view.boxes[0]) > 500


def test_a_quote_wrapped_over_two_lines_gets_a_box_per_line(survey: bytes) -> None:
    view = pv.page_view(survey, 1, "eleven lithium brine sites in the northern basin.")
    assert view is not None and len(view.boxes) == 2
    assert view.boxes[0][1] < view.boxes[1][1]


def test_nothing_but_the_quote_is_highlighted(survey: bytes) -> None:
    view = pv.page_view(survey, 1, "The estimate will be reviewed in 2028.")
    assert view is not None and view.marked
    assert yellow(view) == yellow(view, view.boxes[0]) > 0


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("the SURVEY counted", True),  # case
        ("northern basin", True),  # across a line break
        ("north- ern basin", True),  # a hyphenated line end, mended at ingestion
        ("field notes", True),  # a ligature on the page, spelled out in the quote
        ("brine   sites", True),  # spaces
        ("", False),
        ("cobalt", False),
    ],
)
def test_the_quote_is_found_by_its_letters_alone(quote: str, found: bool) -> None:
    chars = list("The survey counted eleven lithium brine sites in the northern\r\nbasin, ﬁeld notes.")
    assert (pv.quote_span(chars, quote) is not None) is found


def test_a_page_without_text_positions_is_shown_and_says_so(tmp_path: Path) -> None:
    view = pv.page_view(scanned_pdf(tmp_path / "scan.pdf").read_bytes(), 1, "Any quote at all.")
    assert view is not None and not view.marked
    assert view.note == "This page has no text positions; the quote is not marked."
    assert yellow(view) == 0 and view.png.startswith(b"\x89PNG")


def test_a_quote_not_in_the_text_layer_is_not_marked_and_says_so(survey: bytes) -> None:
    view = pv.page_view(survey, 2, "The estimate will be reviewed in 2028.")
    assert view is not None and not view.marked and view.note == pv.NOT_FOUND


@pytest.mark.parametrize(("data", "page"), [(b"not a pdf", 1), (None, 0), (None, 3)])
def test_a_file_or_page_that_cannot_be_drawn_gives_none(survey: bytes, data: bytes | None, page: int) -> None:
    assert pv.page_view(data or survey, page, "quote") is None


def test_the_image_is_bounded_in_size(survey: bytes) -> None:
    view = pv.page_view(survey, 1, "Lithium Survey 2026")
    assert view is not None and view.width == pv.WIDTH and view.height <= pv.MAX_HEIGHT
    assert view.data_uri.startswith("data:image/png;base64,iVBOR")


def _view(size: int) -> pv.PageView:
    return pv.PageView(b"x" * size, 1, 1, 1, (), pv.MARKED)


def test_page_views_are_drawn_once_per_key() -> None:
    views, calls = pv.PageViews(), []
    make = lambda: calls.append(1) or _view(10)  # noqa: E731
    first = views.get(("digest", 1, "quote"), make)
    assert views.get(("digest", 1, "quote"), make) is first and len(calls) == 1


def test_page_views_keep_the_latest_within_their_count_and_bytes() -> None:
    views = pv.PageViews(count=2, max_bytes=25)
    for n in range(3):
        views.get(("d", n, "q"), lambda: _view(10))
    assert list(views._views) == [("d", 1, "q"), ("d", 2, "q")]
    views.get(("d", 9, "q"), lambda: _view(20))
    assert list(views._views) == [("d", 9, "q")] and views.size() == 20
