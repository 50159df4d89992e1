"""PDFs in, PDF and Markdown out, in a real browser against the real gateway and workers: a
person uploads a two-page PDF through the app and sees its two images labelled p. 1 and p. 2,
downloads the upload's text as Markdown, and downloads a built deck as a PDF (seeing it being
prepared while the deck service renders it).

Screenshots go to the test's tmp_path, or to JARYO_E2E_SCREENSHOTS when set (e.g.
`JARYO_E2E_SCREENSHOTS=docs/screenshots` retakes the documentation's pictures)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import Page, expect

from tests.e2e.editor_support import PASSWORD, one_box_deck, registered
from tests.e2e.test_pages_journey import _go, _no_serious_violation, _signed_in_page
from tests.integration.conftest import deck_worker  # noqa: F401

pytestmark = pytest.mark.integration

PAGE_TEXTS = ["First page of the handout", "Second page of the handout"]
# A PDF's first export renders it with LibreOffice, after the deck's own build.
RENDER_TIMEOUT_MS = 180_000


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("JARYO_E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def handout_pages(texts: list[str]) -> list[Image.Image]:
    """One A4 page (at 150 dpi) per text, its line large enough to read."""
    font = ImageFont.load_default(size=64)
    pages = []
    for text in texts:
        page = Image.new("RGB", (1240, 1754), "white")
        ImageDraw.Draw(page).text((120, 200), text, fill="black", font=font)
        pages.append(page)
    return pages


def two_page_pdf(texts: list[str]) -> bytes:
    """A PDF of the handout's pages, as Pillow writes one (an image per page)."""
    pages = handout_pages(texts)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


def scripted_pdf() -> bytes:
    """A one-page PDF whose catalogue runs JavaScript when it is opened (`/OpenAction`)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /S /JavaScript /JS (app.alert('hello')) >>",
    ]
    out = io.BytesIO(b"%PDF-1.7\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _pdf_pages_show_p1_and_p2(page: Page, folder: Path) -> None:
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Accepted: 2 image\(s\), upload \w+"))
    expect(status).to_contain_text("Status: completed", timeout=120_000)
    rows = page.locator(".image-row")
    expect(rows).to_have_count(2)
    expect(rows.locator(".page-tag")).to_have_text(["p. 1", "p. 2"])
    expect(page.locator(".image-row.done")).to_have_count(2)
    for number in (1, 2):
        thumbnail = page.get_by_role("img", name=re.compile(rf"^Thumbnail of .*, page {number}$"))
        expect(thumbnail).to_be_visible()
    page.screenshot(path=folder / "upload-pdf.png", full_page=True)
    _no_serious_violation(page)


def _markdown_has_a_section_per_page(page: Page, tmp_path: Path) -> None:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download text (Markdown)").click()
    assert download.value.suggested_filename.endswith(".md"), download.value.suggested_filename
    saved = tmp_path / "upload.md"
    download.value.save_as(saved)
    markdown = saved.read_text(encoding="utf-8")
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert len(headings) == 2, markdown
    first, second = (markdown.find(text) for text in PAGE_TEXTS)
    assert 0 <= first < second, markdown


def _results_label_the_pages(page: Page, folder: Path) -> None:
    page.get_by_role("link", name="See the text and boxes").click()
    expect(page).to_have_url(re.compile(r"/uploads/\w+$"))
    for number, text in enumerate(PAGE_TEXTS, start=1):
        article = page.get_by_role("article", name=re.compile(rf", page {number}$"))
        expect(article.get_by_role("heading")).to_contain_text(f"p. {number}")
        expect(article).to_contain_text(text)
    expect(page.get_by_role("button", name="Download text (Markdown)")).to_be_visible()
    page.screenshot(path=folder / "results-pdf.png", full_page=True)
    _no_serious_violation(page)


@pytest.mark.usefixtures("workers")
def test_a_person_uploads_a_two_page_pdf_and_downloads_its_text_as_markdown(
    browser, served, tmp_path
):
    folder = _screenshots(tmp_path)
    page = _signed_in_page(browser, served, "en-US")
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    handout = tmp_path / "handout.pdf"
    handout.write_bytes(two_page_pdf(PAGE_TEXTS))

    page.get_by_label("Images or PDFs", exact=True).set_input_files(handout)
    expect(page.get_by_role("list", name="1 chosen file(s)")).to_contain_text("handout.pdf")
    page.get_by_role("button", name="Upload", exact=True).click()
    _pdf_pages_show_p1_and_p2(page, folder)
    _markdown_has_a_section_per_page(page, tmp_path)
    _results_label_the_pages(page, folder)
    page.context.close()
    assert console_errors == []


def test_a_file_that_is_neither_an_image_nor_a_pdf_is_refused_before_sending(
    browser, served, tmp_path
):
    page = _signed_in_page(browser, served, "en-US")
    notes = tmp_path / "notes.txt"
    notes.write_text("plain text")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.get_by_label("Images or PDFs", exact=True).set_input_files(notes)
    expect(page.get_by_role("alert")).to_have_text("notes.txt is not an image or a PDF.")
    expect(page.get_by_role("button", name="Upload", exact=True)).to_be_disabled()
    page.get_by_role("button", name="Remove notes.txt").click()
    expect(page.get_by_role("alert")).to_have_text("")
    assert sent == []
    page.context.close()


def test_pdfs_the_api_does_not_take_are_refused_with_why_in_words(browser, served, tmp_path):
    page = _signed_in_page(browser, served, "en-US")
    picker = page.get_by_label("Images or PDFs", exact=True)
    long = tmp_path / "long.pdf"
    blank = [Image.new("RGB", (60, 80), "white") for _ in range(60)]  # 50 are allowed
    blank[0].save(long, "PDF", save_all=True, append_images=blank[1:])
    scripted = tmp_path / "scripted.pdf"
    scripted.write_bytes(scripted_pdf())

    picker.set_input_files(long)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        re.compile(
            r"^long\.pdf was refused: it has more than \d+ pages, the most one PDF may have\.$"
        )
    )
    expect(page.locator(".files li.refused")).to_contain_text("long.pdf")
    page.get_by_role("button", name="Remove long.pdf").click()

    picker.set_input_files(scripted)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        "scripted.pdf was refused: the PDF carries scripts (JavaScript):"
        " save or print it again as a plain PDF."
    )
    page.context.close()


@pytest.mark.usefixtures("deck_worker")
def test_a_person_downloads_a_built_deck_as_a_pdf(browser, served, tmp_path):
    folder = _screenshots(tmp_path)
    person = registered(served)
    deck_id = one_box_deck(person)
    page = browser.new_context(locale="en-US", bypass_csp=True).new_page()
    page.goto(served + "/sign-in")
    page.locator("input[name=username]").fill(person.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/upload$"))
    _go(page, f"/decks/{deck_id}")
    expect(page.get_by_role("status")).to_have_text("Status: built", timeout=RENDER_TIMEOUT_MS)

    button = page.get_by_role("button", name="Download PDF")
    said = page.locator(".download-action", has=button).locator("[aria-live]")
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
        button.click()
        # The first export of a revision is rendered now: the page says so while it waits.
        expect(said).to_have_text("Preparing the PDF… This can take a minute.")
        expect(button).to_be_disabled()
        page.screenshot(path=folder / "deck-pdf-preparing.png", full_page=True)
        expect(button).to_be_enabled(timeout=RENDER_TIMEOUT_MS)
        expect(said).to_have_text("")  # no refusal, no failed render
    assert download.value.suggested_filename == "One box.pdf"
    saved = tmp_path / "deck.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    _no_serious_violation(page)

    # Asked again, the rendered PDF is there at once.
    with page.expect_download() as again:
        button.click()
    assert again.value.suggested_filename == "One box.pdf"
    page.context.close()
