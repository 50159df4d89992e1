"""PDFs for the tests, made the ways people make them: slides exported by LibreOffice (a real
text layer, Korean in a CJK font and punctuation in a Latin fallback), a scan (pages that are
only pictures), and the files we refuse (encrypted, scripted, damaged, too long)."""

from __future__ import annotations

import functools
import io
import tempfile
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

from deck_service import render

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

# Three slides: what each says, line by line (the first line is its title).
SLIDES = (
    ("회의록: 2026년 12월", "오늘의 안건은 예산 검토입니다.", "The budget review is today."),
    ("Quarterly results", "매출이 42% 증가했습니다.", "Costs fell by 7 percent."),
    ("세 번째 페이지", "Thank you. 감사합니다.", "질문이 있으신가요?"),
)


def page_text(lines: tuple[str, ...]) -> str:
    return "\n".join(lines)


@functools.cache
def exported_slides(slides: tuple[tuple[str, ...], ...] = SLIDES) -> bytes:
    """A 16:9 deck of these slides, exported to PDF by LibreOffice (as PowerPoint users do)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    for lines in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        for number, text in enumerate(lines):
            box = slide.shapes.add_textbox(
                Inches(1), Inches(1 + 1.5 * number), Inches(11), Inches(1.2)
            )
            paragraph = box.text_frame.paragraphs[0]
            paragraph.text = text
            font = paragraph.runs[0].font
            font.size = Pt(40 if number == 0 else 28)
            if number == 0:
                font.color.rgb = RGBColor(0xC0, 0x39, 0x2B)
    with tempfile.TemporaryDirectory() as folder:
        pptx = Path(folder) / "slides.pptx"
        deck.save(pptx)
        return render.to_pdf(pptx, Path(folder)).read_bytes()


def scanned(*pages: Image.Image) -> bytes:
    """Pages that are only pictures, as a scanner makes them (no text layer)."""
    out = io.BytesIO()
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(out, "PDF", resolution=200.0, save_all=True, append_images=rest)
    return out.getvalue()


def printed_page(lines: list[str], size: tuple[int, int] = (1700, 1100)) -> Image.Image:
    """A page of large dark print on white, as a scan of it would look."""
    page = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(CJK_FONT, 64)
    for number, line in enumerate(lines):
        draw.text((120, 140 + 130 * number), line, fill=(20, 20, 20), font=font)
    return page


def blank_pages(count: int) -> bytes:
    """A PDF of `count` small blank pages."""
    return scanned(*[Image.new("RGB", (200, 260), "white") for _ in range(count)])


def encrypted(data: bytes, *, user_password: str = "secret") -> bytes:
    """`data` encrypted (AES-256); with an empty user password it opens without one, but its
    owner restricted it."""
    with pikepdf.open(io.BytesIO(data)) as document:
        out = io.BytesIO()
        document.save(out, encryption=pikepdf.Encryption(owner="owner", user=user_password, R=6))
        return out.getvalue()


def with_javascript(data: bytes, *, compress: bool = False) -> bytes:
    """`data` running a script when opened (the catalogue's /OpenAction). With `compress`, its
    objects are packed in object streams, where no byte scan finds the script."""
    with pikepdf.open(io.BytesIO(data)) as document:
        script = pikepdf.Dictionary(
            Type=pikepdf.Name.Action,
            S=pikepdf.Name.JavaScript,
            JS=pikepdf.String("app.alert('hi')"),
        )
        document.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["hello", script]))
        )
        document.Root.OpenAction = script
        out = io.BytesIO()
        mode = pikepdf.ObjectStreamMode.generate if compress else pikepdf.ObjectStreamMode.disable
        document.save(out, object_stream_mode=mode)
        return out.getvalue()


def damaged(data: bytes) -> bytes:
    """The header of a PDF and then garbage: what a cut-off download leaves."""
    return data[:200] + bytes(range(256)) * 4


def without_unicode_maps(data: bytes) -> bytes:
    """`data` with its fonts' ToUnicode maps removed: the glyphs are drawn as before, but the
    text layer holds codes that are not the characters (what some PDF makers produce)."""
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for _, font in page.Resources.Font.items():
                if "/ToUnicode" in font:
                    del font["/ToUnicode"]
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


# The drawing's turn that a page's /Rotate (0, 90, 180, 270) shows upright again, and the media
# box it is drawn in, for a 612 × 792 pt page: a scanner that stores pages sideways does this.
_TURNS = {
    0: (b"1 0 0 1 0 0", [0, 0, 612, 792]),
    90: (b"0 1 -1 0 792 0", [0, 0, 792, 612]),
    180: (b"-1 0 0 -1 612 792", [0, 0, 612, 792]),
    270: (b"0 -1 1 0 0 612", [0, 0, 792, 612]),
}


def _one_page(
    content: bytes,
    *,
    font: bool = True,
    picture: Image.Image | None = None,
    rotate: int = 0,
) -> bytes:
    """A page showing `content` (a content stream drawn on 612 × 792 pt) upright, with Helvetica
    as /F1 and `picture` as /Im1; stored turned and shown upright by its /Rotate."""
    document = pikepdf.new()
    resources = pikepdf.Dictionary()
    if font:
        resources.Font = pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
    if picture is not None:
        rgb = picture.convert("RGB")
        image = pikepdf.Stream(document, rgb.tobytes())
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height = rgb.width, rgb.height
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        resources.XObject = pikepdf.Dictionary(Im1=image)
    turn, media_box = _TURNS[rotate]
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=media_box,
        Rotate=rotate,
        Resources=resources,
        Contents=pikepdf.Stream(document, b"q " + turn + b" cm\n" + content + b"Q\n"),
    )
    document.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def matrix_scaled(lines: list[str], *, rotate: int = 0) -> bytes:
    """Lines set as Quartz (macOS) sets them: the font at size 1, scaled to 28 pt by the text
    matrix. With `rotate`, the page is stored turned and shown upright by its /Rotate."""
    content = b"".join(
        b"BT /F1 1 Tf 28 0 0 28 72 %d Tm (%s) Tj ET\n" % (700 - 60 * n, line.encode("latin-1"))
        for n, line in enumerate(lines)
    )
    return _one_page(content, rotate=rotate)


def scan_with_ocr_layer(lines: list[str]) -> bytes:
    """A scanned page (a picture of the print) with an invisible text layer over it, as
    OCRmyPDF and scanners' own OCR make it."""
    picture = printed_page(lines, size=(1275, 1650))  # 612 × 792 pt at 150 dpi
    words = b"".join(
        b"BT 3 Tr /F1 1 Tf 31 0 0 31 58 %d Tm (%s) Tj ET\n"
        % (round(792 - (140 + 130 * n + 55) * 792 / 1650), line.encode("latin-1"))
        for n, line in enumerate(lines)
    )
    return _one_page(b"q 612 0 0 792 0 0 cm /Im1 Do Q\n" + words, picture=picture)


def with_stream_saying(data: bytes, body: bytes) -> bytes:
    """`data` with a (compressed-looking) stream whose bytes are `body`, as an image's are."""
    with pikepdf.open(io.BytesIO(data)) as document:
        document.Root.Extra = pikepdf.Stream(document, body)
        out = io.BytesIO()
        document.save(out, compress_streams=False)
        return out.getvalue()


def with_picture_of(data: bytes, width: int, height: int) -> bytes:
    """`data` with a picture on its first page declaring `width` × `height` pixels (its data
    is a few bytes: pdfium would decode it whole to draw it)."""
    with pikepdf.open(io.BytesIO(data)) as document:
        picture = pikepdf.Stream(document, zlib.compress(bytes(4096)))
        picture.Type, picture.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        picture.Width, picture.Height = width, height
        picture.ColorSpace, picture.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        picture.Filter = pikepdf.Name.FlateDecode
        page = document.pages[0]
        page.Resources.XObject = pikepdf.Dictionary(Big=picture)
        page.contents_add(pikepdf.Stream(document, b"q 100 0 0 100 0 0 cm /Big Do Q"))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
