"""Whether the gateway takes a PDF, decided before anything is stored: it opens, it is not
encrypted (not even with only an owner's restrictions), it carries no JavaScript, no picture in
it has more pixels than an image may (pdfium decodes a picture whole to draw it), and how many
pages it has (the caller refuses too many, docs/pdf.md).

JavaScript is looked for twice: pdfium's document-level scripts (found even inside compressed
object streams), and a `/JS` or `/JavaScript` name in the file's own bytes outside its streams'
bodies (the scripts of actions, links and form fields; a stream's body is compressed data,
where such bytes turn up by chance in about one 20 MB scan in twelve). A script of an action
packed into a compressed object stream is not found: refusing scripts is policy, not a guard,
since pdfium runs none and the PDF itself is never served back (only its rendered pages).
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from jaryo_shared import pdf
from jaryo_shared.pdf import UnacceptablePdf

SCRIPTED = "the PDF carries JavaScript; save or print it again as a plain PDF"

# A stream's body: from the `stream` keyword's line end to `endstream`.
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.S)
# A name token /JS or /JavaScript: a name ends at white space or a delimiter.
_SCRIPT_NAME = re.compile(rb"/(?:JS|JavaScript)(?=[\s()<>\[\]{}/%]|$)")


def pages_of(data: bytes, max_pages: int, max_pixels: int) -> int:
    """The PDF's page count. Raises UnacceptablePdf (broken, encrypted, javascript,
    too_many_pixels). A PDF of more than `max_pages` is not looked at page by page: its count is
    all the caller needs to refuse it, and a small file can hold hundreds of thousands of
    pages."""
    if _names_a_script(data):
        raise UnacceptablePdf("javascript", SCRIPTED)
    with pdf.document(data) as document:
        if pdfium_c.FPDF_GetSecurityHandlerRevision(document) != -1:
            raise UnacceptablePdf("encrypted", pdf.ENCRYPTED)
        if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document) > 0:
            raise UnacceptablePdf("javascript", SCRIPTED)
        pages = len(document)
        if pages == 0:
            raise UnacceptablePdf("broken", "the PDF has no pages")
        if pages > max_pages:
            return pages
        for index in range(pages):  # a page without a size would fail later, page by page
            width, height = document.get_page_size(index)
            if not (width > 0 and height > 0):
                raise UnacceptablePdf("broken", f"page {index + 1} of the PDF has no size")
            _check_pictures(document[index], index + 1, max_pixels)
    return pages


def _check_pictures(page: pdfium.PdfPage, number: int, max_pixels: int) -> None:
    try:
        for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            width, height = picture.get_px_size()
            if width * height > max_pixels:
                raise UnacceptablePdf(
                    "too_many_pixels",
                    f"a picture on page {number} of the PDF is {width}x{height} pixels, more "
                    f"than the {max_pixels} allowed",
                )
    finally:
        page.close()


def _names_a_script(data: bytes) -> bool:
    return any(_SCRIPT_NAME.search(part) for part in _STREAM_BODY.split(data))
