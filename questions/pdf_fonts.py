"""The kit PDF's own font, so a kit lays out the same on every server, whatever fonts the
machine has: Arimo (metrics of Arial), vendored under static/vendor/arimo-1.33/."""

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "static" / "vendor" / "arimo-1.33"
FAMILY = "Interview Bank PDF"
FACES = {"normal": "Arimo-Regular.ttf", "bold": "Arimo-Bold.ttf"}


def font_urls() -> dict[str, Path]:
    """file: URL → font file, for every face the PDF may load."""
    return {(FONT_DIR / name).as_uri(): FONT_DIR / name for name in FACES.values()}


def font_css() -> str:
    """@font-face rules for the vendored faces, and the page text set in them."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
        f'src: url("{(FONT_DIR / name).as_uri()}"); }}'
        for weight, name in FACES.items()
    )
    return f'{faces}\nhtml body {{ font-family: "{FAMILY}", sans-serif; }}\n'


def fonts_only_fetcher():
    """A WeasyPrint URL fetcher that loads the vendored fonts and nothing else: bank text
    is data, not links, so nothing in a kit is ever fetched."""
    # Imported here: WeasyPrint loads native libraries only the PDF needs.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = font_urls()

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            path = allowed.get(url)
            if path is None:
                raise ValueError(f"Nothing is fetched for a kit PDF: {url}")
            return URLFetcherResponse(url, body=path.read_bytes())

    return FontsOnly()
