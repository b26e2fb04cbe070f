"""Benchmark the risk map page build against naive folium and the serialisation floor.

Run: .venv/bin/python bench/map.py [--sizes 527,5000,50000,200000] [--quick]

For each size it prints: our build time (median of repeats), HTML bytes and data bytes
(the embedded points JSON) for the app's call (popup details embedded up to 10,000 points,
fetched from DETAILS above that), the same with every detail embedded, the naive folium
way (one folium.Marker per enterprise in a MarkerCluster; skipped for larger sizes once a
run took more than 60 s) and the floor (orjson.dumps of the same point dicts), with
ratios. Then the downstream trace time on the shipped network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402

from geodata.analysis import RiverNetwork  # noqa: E402
from geodata.layers import load_layers  # noqa: E402
from geodata.maps import build_risk_map, encode_points  # noqa: E402

NAIVE_LIMIT_S = 60.0
DETAILS = "/api/v1/enterprises/{id}"
# The app gives every map response a fresh content-security-policy nonce (registry/map/views.py).
NONCE = "q8Zb1xv3T0mN7yQpLr2kAw"
COUNTIES = ["许昌", "禹州", "长葛", "鄢陵", "襄城", "建安", "魏都"]
BRAND = "瑞贝卡黄河旋风森源众品金汇恒达远东万里鑫华德嘉宏昌盛泰丰安利新天龙宇"
TRADES = ["化工", "制药", "水泥", "发制品", "新材料", "电镀", "食品", "陶瓷", "机械制造", "纺织印染", "再生资源",
          "热电", "钢铁", "环保科技"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
LEVELS = ["general"] * 494 + ["major"] * 26 + ["serious"] * 7
STATUSES = ["filed"] * 70 + ["due_soon"] * 10 + ["overdue"] * 15 + ["revision_required"] * 5
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
MEDIUM = {"general": "一般", "major": "较大", "serious": "重大"}


def notation(rng: random.Random, level: str) -> str:
    q, m, e = rng.choice(["Q1", "Q2", "Q3"]), rng.choice(["M1", "M2", "M3", "M4"]), rng.choice(["E1", "E2", "E3"])
    if level == "general" and rng.random() < 0.6:
        return "一般[一般-大气(Q0)+一般-水(Q0)]"
    return f"{MEDIUM[level]}[{MEDIUM[level]}-水({q}-{m}-{e})+一般-大气(Q0)]"


def make_points(n: int, seed: int = 7) -> list[dict]:
    """Realistic-looking enterprises: 11–16-character names, 6-decimal coordinates."""
    rng = random.Random(seed)
    today = dt.date(2026, 1, 1)
    points = []
    for i in range(n):
        level = rng.choice(LEVELS)
        county = rng.choice(COUNTIES)
        points.append({
            "id": i + 1,
            "name": county + "".join(rng.sample(BRAND, rng.randint(2, 4))) + rng.choice(TRADES) + rng.choice(FORMS),
            "credit_code": "914110" + "".join(rng.choice(CODE_CHARS) for _ in range(12)),
            "filing_number": f"4110{rng.choice(['02', '03', '24', '25', '81', '82'])}-{rng.randint(2015, 2025)}"
                             f"-{rng.randint(1, 150):03d}-{'LMH'[['general', 'major', 'serious'].index(level)]}",
            "risk_level": level,
            "notation": notation(rng, level),
            "review_due_on": today + dt.timedelta(days=rng.randint(-400, 1100)),
            "status": rng.choice(STATUSES),
            "lon": round(rng.uniform(113.10, 114.30), 6),
            "lat": round(rng.uniform(33.72, 34.38), 6),
        })
    return points


def median_time(func, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def interleaved(funcs: dict, repeats: int) -> dict:
    """Median time and last result of each function, run in turn so noise hits all alike."""
    times = {name: [] for name in funcs}
    results = {}
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            results[name] = func()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in funcs}


def naive_folium(points: list[dict]) -> str:
    import html

    import folium
    from folium.plugins import MarkerCluster

    fmap = folium.Map(location=[34.03, 113.82], zoom_start=9, tiles=None)
    cluster = MarkerCluster().add_to(fmap)
    colors = {"general": "blue", "major": "orange", "serious": "red"}
    for p in points:
        popup = (f"<b>{html.escape(p['name'])}</b><br>{html.escape(p['credit_code'])}<br>"
                 f"{html.escape(p['filing_number'])}<br>{html.escape(p['notation'])}<br>"
                 f"{p['review_due_on']}<br>{html.escape(p['status'])}")
        folium.Marker([p["lat"], p["lon"]], popup=folium.Popup(popup),
                      icon=folium.Icon(color=colors[p["risk_level"]])).add_to(cluster)
    return fmap.get_root().render()


def fmt_ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.1f}"


def fmt_mb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1e6:,.2f}"


def run(sizes: list[int], quick: bool) -> None:
    layers = load_layers()
    build_risk_map(make_points(10), layers)  # warm the skeleton cache
    cold_start = time.perf_counter()
    build_risk_map(make_points(10), layers, labels={"title": "cold"})
    cold = time.perf_counter() - cold_start
    print(f"one-off skeleton render (new labels/options): {cold * 1000:.0f} ms\n")
    header = ("| points | ours ms | HTML MB | data MB | all-embedded ms | all-embedded HTML MB | naive folium ms "
              "| floor ms | naive ÷ ours | ours ÷ floor |")
    print(header)
    print("|" + "---|" * 10)
    naive_over = None
    for n in sizes:
        points = make_points(n)
        repeats = 5 if quick else (11 if n <= 50_000 else 5)
        # "ours" is the app's call: details embedded up to 10,000 points, fetched above.
        timed = interleaved({
            "ours": lambda points=points: build_risk_map(points, layers, details_url_template=DETAILS, nonce=NONCE),
            "floor": lambda points=points: orjson.dumps(points),
            "embedded": lambda points=points: build_risk_map(points, layers),
        }, repeats)
        (ours_t, page), (floor_t, _), (lazy_t, lazy_page) = timed["ours"], timed["floor"], timed["embedded"]
        data_bytes = len(encode_points(points, details=n <= 10_000))
        naive_t = None
        if naive_over is None:
            naive_t, _ = median_time(lambda points=points: naive_folium(points), 1)
            if naive_t > NAIVE_LIMIT_S:
                naive_over = n
        ratio = f"{naive_t / ours_t:,.0f}×" if naive_t else f"(> {NAIVE_LIMIT_S:.0f} s at {naive_over:,})"
        print(f"| {n:,} | {fmt_ms(ours_t)} | {fmt_mb(len(page.encode()))} | {fmt_mb(data_bytes)} "
              f"| {fmt_ms(lazy_t)} | {fmt_mb(len(lazy_page.encode()))} | {fmt_ms(naive_t)} | {fmt_ms(floor_t)} "
              f"| {ratio} | {ours_t / floor_t:.2f}× |", flush=True)

    network = RiverNetwork.from_layers(layers["rivers"], layers["sections"], layers["receptors"], layers["counties"])
    gc.collect()  # the naive run leaves a large heap behind; do not bill its collection to a trace
    rng = random.Random(3)
    starts = [(rng.uniform(113.3, 114.2), rng.uniform(33.8, 34.3)) for _ in range(50 if quick else 200)]
    times = []
    for lon, lat in starts:
        t0 = time.perf_counter()
        network.trace(lon, lat)
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"\ndownstream trace on the shipped network ({len(times)} random starts in Xuchang): "
          f"median {statistics.median(times) * 1000:.1f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms, "
          f"max {times[-1] * 1000:.1f} ms")
    t0 = time.perf_counter()
    RiverNetwork.from_layers(layers["rivers"], layers["sections"], layers["receptors"], layers["counties"])
    print(f"network build: {(time.perf_counter() - t0) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="527,5000,50000,200000",
                        help="comma-separated point counts (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="sizes 527 and 5000, fewer repeats")
    args = parser.parse_args()
    sizes = [527, 5000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    run(sizes, args.quick)


if __name__ == "__main__":
    main()
