"""PDF from a printed page's HTML, with no browser on the clerk's machine.

WeasyPrint lays out HTML and CSS for paged media: it honours `@page`, so a document keeps the A4
geometry of GB/T 9704 that its template sets, and it embeds (subsets of) the fonts it uses, so the
PDF prints alike everywhere and its text can be selected and searched.

Every page carries its number at the foot as GB/T 9704 7.5 asks: "— 1 —", odd pages at the right and
even pages at the left, one character in from the edge; each document of a step is numbered from 1. A template's own `@page` rules come later and
win, so an office can change this in its templates.

Nothing is fetched while laying out: the pages are self-contained (inline CSS and SVG), and a link to
a file or to the network in an office's template is refused rather than followed.
"""

from __future__ import annotations

from svccli.errors import DataError

# GB/T 9704 7.5: page numbers in 4号 (14pt) half-width Song digits with an em dash either side.
PAGE_NUMBERS = """
@page :right { @bottom-right { content: "— " counter(page) " —"; padding-right: 1em; } }
@page :left { @bottom-left { content: "— " counter(page) " —"; padding-left: 1em; } }
@page { @bottom-right { font: 14pt "Noto Serif CJK SC", "SimSun", serif; vertical-align: top; padding-top: 7mm; }
        @bottom-left { font: 14pt "Noto Serif CJK SC", "SimSun", serif; vertical-align: top; padding-top: 7mm; } }
"""


def pdf_bytes(*pages: str) -> bytes:
    """The PDF of one or more HTML pages (the documents of one step): each laid out on its own, so
    each document's pages are numbered from 1, then bound into one file."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    # data: URLs only, and a refused one stops the PDF rather than leaving a hole in it.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    numbers = weasyprint.CSS(string=PAGE_NUMBERS)
    try:
        # The page numbers are a user stylesheet: a template's own (author) @page rules win over them.
        laid = [weasyprint.HTML(string=page, url_fetcher=fetcher).render(stylesheets=[numbers]) for page in pages]
    except FatalURLFetchingError as e:
        url = str(e).partition('"')[2].rstrip('"')
        raise DataError(
            f"文书模板引用了外部资源（{url[:80]}）：PDF 不读取外部文件或网络，请把样式和图片写在模板内"
        ) from None
    result = laid[0].copy([p for doc in laid for p in doc.pages]).write_pdf()
    assert result is not None  # write_pdf returns the bytes when no target is given
    return result
