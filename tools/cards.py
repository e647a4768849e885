"""Link-preview cards: each lesson's still picture with its title, as the PNG image that Open Graph
and Twitter cards name (their readers do not take SVG), and the site's favicon.ico.

The PNG is drawn by Chromium (Debian's, as the tests use) and cached by content; without Chromium
the card is the SVG picture itself, which some readers show and the page stays correct.
"""

from __future__ import annotations

import hashlib
import html
import shutil
from pathlib import Path

from PIL import Image, ImageDraw

CARD_SIZE = (1200, 630)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
CARD_PAGE = """<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; width: 1200px; height: 630px; background: #fff; color: #1f2933;
  font-family: system-ui, sans-serif; display: flex; flex-direction: column; }}
header {{ padding: 40px 56px 0; font-size: 28px; color: #5f6b76; }}
header b {{ color: #d9480f; }}
h1 {{ margin: 8px 56px 16px; font-size: 52px; line-height: 1.15; }}
figure {{ margin: 0 40px; flex: 1; display: flex; align-items: center; }}
svg {{ width: 100%; height: auto; max-height: 360px; }}
</style><header><b>Faders</b> · machine learning, one knob at a time</header><h1>{title}</h1>
<figure>{svg}</figure>"""


def card_images(cards: dict[str, tuple[str, str]], out: Path, cache: Path) -> dict[str, str]:
    """Write a card for each slug: {slug: (title, picture SVG)} -> {slug: file name in `out`}."""
    out.mkdir(parents=True, exist_ok=True)
    pages = {slug: CARD_PAGE.format(title=html.escape(title), svg=svg)
             for slug, (title, svg) in cards.items()}
    cached = {slug: cache / "cards" / (hashlib.sha256(page.encode()).hexdigest() + ".png")
              for slug, page in pages.items()}
    missing = [slug for slug, path in cached.items() if not path.exists()]
    if missing and Path(CHROMIUM).exists():
        _draw(pages, cached, missing)
    names = {}
    for slug, path in cached.items():
        if path.exists():
            shutil.copyfile(path, out / f"{slug}.png")
            names[slug] = f"{slug}.png"
        else:
            (out / f"{slug}.svg").write_text(cards[slug][1])
            names[slug] = f"{slug}.svg"
    return names


def _draw(pages: dict[str, str], cached: dict[str, Path], slugs: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": CARD_SIZE[0], "height": CARD_SIZE[1]})
            for slug in slugs:
                page.set_content(pages[slug])
                cached[slug].parent.mkdir(parents=True, exist_ok=True)
                cached[slug].write_bytes(page.screenshot(type="png"))
            browser.close()
    except Exception as error:  # a card is a nicety: the site builds without it
        print(f"build: link-preview cards not drawn ({error}); the SVG pictures stand in")


def favicon_ico(out: Path) -> None:
    """favicon.ico beside index.html (browsers ask for it unprompted): web/assets/favicon.svg's
    three faders, drawn again with Pillow."""
    size = 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=12, fill="#1f2933")
    for x, knob_y in ((16, 34), (32, 16), (48, 26)):
        draw.line((x, 12, x, 52), fill="#dde2e6", width=4)
        draw.rounded_rectangle((x - 8, knob_y, x + 8, knob_y + 10), radius=3, fill="#d9480f")
    image.save(out, sizes=[(16, 16), (32, 32), (48, 48)])
