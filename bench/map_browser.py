"""The risk map in headless Chromium at province scale (issue #18): when can the officer use it?

    .venv/bin/python bench/map_browser.py                      # 20,000 and 50,000 enterprises
    .venv/bin/python bench/map_browser.py --sizes 20000 --repeat 3

For each size it fills a scratch PostgreSQL database with ``bench/pages.py``'s builder (the
app's bulk writer: enterprises, plans, documents, drills, actions), starts gunicorn (one
sync worker), logs in through the login form in Chromium (Debian ``chromium`` and
``chromium-driver``, 1366×768, no DevTools network domain: it keeps every response body
and slows big pages by ~40 %) and opens ``/map`` — the page with the map frame — once with
the browser's cache empty (**first visit**: the worker's first map too), then
``--repeat`` times each way (static assets then come from the cache, as in any browser;
the frame itself is ``no-store``):

* **after a change**: an enterprise is renamed first, so the server reads and encodes the
  points again (the data token moved);
* **again**: the same map once more (the worker's kept answer).

Timed from the top page's navigation start (``performance.timeOrigin``), in the browser:

* **frame loaded**: the frame's HTML received (its ``responseEnd``);
* **interactive**: the map's script has run — map, layers, controls, legend and search
  in place and answering (``data-ready-ms`` on the map element); from here markercluster
  places the points in chunks of 200 ms with the page answering between them;
* **clustered**: every point in its cluster (``data-clustered-ms``);
* **longest task**: the longest main-thread task of the load (PerformanceObserver
  ``longtask``): how long a click may wait at worst.

The floor is measured in the same load: **frame received** — the frame's HTML in the
browser (its navigation ``responseEnd``: the /map page, its assets and the frame's bytes),
which no map page could beat; ``interactive ÷ floor`` is what drawing adds. Medians are
printed. The target is the issue's: interactive within 1 s at 20,000 enterprises.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import PASSWORD, Server, flask  # noqa: E402
from pages import build, scratch_database  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_pages_browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

# Collects long tasks from the start of every document (the frame's too).
LONG_TASKS = """
window.__longest = 0;
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longest = Math.max(window.__longest, e.duration); });
  }).observe({ type: "longtask", buffered: true });
} catch (e) {}
"""

MEASURE = """
var frame = document.getElementById("risk-map-frame");
var win = frame.contentWindow, doc = frame.contentDocument;
var el = doc.querySelector("[data-clustered-ms]");
if (!el) return null;
var shift = win.performance.timeOrigin - performance.timeOrigin;
var nav = win.performance.getEntriesByType("navigation")[0];
return {loaded: shift + nav.responseEnd, ready: shift + Number(el.getAttribute("data-ready-ms")),
        // With few points the last chunk ends inside the script's own run, before ready.
        clustered: shift + Math.max(Number(el.getAttribute("data-clustered-ms")),
                                    Number(el.getAttribute("data-ready-ms"))),
        longest: Math.max(window.__longest || 0, win.__longest || 0),
        points: Number(el.getAttribute("data-points-total"))};
"""



def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        sys.exit("Chromium or chromedriver missing: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--window-size=1366,768", "--lang=zh-CN"):
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_page_load_timeout(300)
    d.set_script_timeout(300)
    # Not Network.enable (to turn the cache off): DevTools then keeps every response body,
    # which made the 50,000-point page ~40 % slower than a browser without DevTools.
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LONG_TASKS})
    return d


def log_in(d, base: str) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    d.get(base + "/login")
    d.find_element(By.NAME, "username").send_keys("officer")
    d.find_element(By.NAME, "password").send_keys(PASSWORD)
    d.find_element(By.XPATH, "//input[@name='password']/ancestor::form//button").click()
    try:
        WebDriverWait(d, 30).until(lambda drv: "/login" not in drv.current_url)
    except TimeoutException:
        text = d.find_element(By.TAG_NAME, "body").text[:500]
        sys.exit(f"could not log in to the benchmark server (at {d.current_url}): {text}")


def open_map(d, base: str) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    d.get(base + "/map")
    return WebDriverWait(d, 300, poll_frequency=0.05).until(lambda drv: drv.execute_script(MEASURE))


def run_size(n: int, url: str, repeat: int) -> dict:
    import sqlalchemy as sa

    env = dict(os.environ, REGISTRY_ENV="production", DATABASE_URL=url,
               SECRET_KEY="bench-map-browser", SESSION_COOKIE_SECURE="0",
               SCHEDULER_ENABLED="0", LOGIN_MAX_FAILURES="1000")
    os.environ.update({k: env[k] for k in ("REGISTRY_ENV", "DATABASE_URL", "SECRET_KEY",
                                           "SESSION_COOKIE_SECURE", "SCHEDULER_ENABLED")})
    scratch_database(url)
    flask(["db", "upgrade"], env)
    flask(["create-user", "officer", "--role", "admin", "--password", PASSWORD], env)
    from registry import create_app

    app = create_app()
    with app.app_context():
        counts = build(n)
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def touch():
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE enterprises SET name = name || '' WHERE id = 1"))

    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-map-browser-{os.getpid()}.log"
    server = Server(env, 1, log)
    d = None
    try:
        server.wait_ready()
        d = driver()
        log_in(d, server.base)
        # The first visit: the browser's cache empty, the worker's first map.
        found = {"first visit": [open_map(d, server.base)], "after a change": [], "again": []}
        for _ in range(repeat):
            touch()
            found["after a change"].append(open_map(d, server.base))
            found["again"].append(open_map(d, server.base))
    finally:
        if d is not None:
            d.quit()
        server.stop()
        engine.dispose()
    return {"counts": counts, **found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,50000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    if not args.database_url.rsplit("/", 1)[1].startswith("bench_pages"):
        sys.exit("the scratch database name must start bench_pages (it is dropped)")
    lines = ["| enterprises | load | frame received ms (floor) | interactive ms | "
             "interactive ÷ floor | clustered ms | longest task ms | target |",
             "|---|---|---|---|---|---|---|---|"]
    for n in (int(s) for s in args.sizes.split(",")):
        res = run_size(n, args.database_url, args.repeat)
        for kind in ("first visit", "after a change", "again"):
            runs = res[kind]
            med = {k: statistics.median(r[k] for r in runs) for k in
                   ("loaded", "ready", "clustered", "longest")}
            target = ("≤ 1,000 ms " + ("✓" if med["ready"] <= 1000 else "✗")) \
                if n == 20_000 and kind != "first visit" else "—"
            lines.append(f"| {n:,} | {kind} ({len(runs)}×) | {med['loaded']:,.0f} | "
                         f"{med['ready']:,.0f} | {med['ready'] / med['loaded']:.1f}× | "
                         f"{med['clustered']:,.0f} | {med['longest']:,.0f} | {target} |")
            print(f"{n} {kind}: " + ", ".join(f"{k} {v:.0f} ms" for k, v in med.items())
                  + f"; points {runs[0]['points']}", file=sys.stderr, flush=True)
    print(f"Chromium headless, 1366×768, its cache on (the frame itself is no-store); "
          f"medians of {args.repeat}; times from the /map page's navigation start\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
