"""Valhalla (pyvalhalla, in-process) vs carecover (HTTP) on the same road network: isochrones
15/30 min and routes from 熊本駅, alternating, median of RUNS rounds; then the reached-node sets
and the contour areas compared. Run by benches/peers/valhalla.sh, which writes the inputs.

  python valhalla_peer.py build PBF DIR
      Valhalla tiles from the OSM PBF into DIR/tiles, and DIR/valhalla.json.
  python valhalla_peer.py bench DIR CARECOVER_URL REACH_JSON RUNS
      The comparison; REACH_JSON is `peer_inputs reach`'s answer for the same point and contours.

Speeds: carecover's probe network has no speeds, so it drives every link at one uniform speed
(`speed_model` uniform_40kmh); the OSM file tags every way maxspeed=40 and the Valhalla costing
fixes the speed (`fixed_speed` 40) and drops the maneuver penalty, so both drive 40 km/h
everywhere. What still differs: Valhalla adds its turn and intersection costs to the time, and
starts at the snapped point at no cost, while carecover charges the walk from the point to the
road at 10 km/h.
"""
import json
import math
import statistics
import subprocess
import sys
import time
import http.client
from pathlib import Path

ORIGIN = {"lat": 32.7898, "lon": 130.6886}  # 熊本駅, as in docs/benchmarks.md
CONTOURS = [15, 30]
SPEED_KMH = 40
COSTING = {
    "costing": "auto",
    "costing_options": {"auto": {"fixed_speed": SPEED_KMH, "maneuver_penalty": 0}},
}


def build(pbf, out_dir):
    import valhalla

    out = Path(out_dir)
    (out / "tiles").mkdir(parents=True, exist_ok=True)
    config = valhalla.get_config(tile_extract="", tile_dir=out / "tiles")
    (out / "valhalla.json").write_text(json.dumps(config))
    started = time.perf_counter()
    # The executable the wheel ships (`python -m valhalla …` looks for it on PATH only).
    from valhalla._scripts import PYVALHALLA_BIN_DIR

    subprocess.run(
        [str(PYVALHALLA_BIN_DIR / "valhalla_build_tiles"), "-c", str(out / "valhalla.json"),
         str(pbf)],
        check=True, stdout=subprocess.DEVNULL,
    )
    print(f"valhalla tiles built in {time.perf_counter() - started:.1f} s")


def iso_request():
    return dict(COSTING, locations=[ORIGIN], contours=[{"time": t} for t in CONTOURS],
                polygons=True)


class Carecover:
    """One keep-alive HTTP connection to carecover on loopback."""

    def __init__(self, url):
        host, port = url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port))

    def get(self, path):
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"carecover {path}: HTTP {r.status} {body[:200]!r}")
        return body


def timed(f):
    started = time.perf_counter()
    out = f()
    return (time.perf_counter() - started) * 1000.0, out


def ring_area_m2(ring):
    """Shoelace area of a lon/lat ring on a local equirectangular plane (fine at city scale)."""
    lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
    kx, ky = 111_320.0 * math.cos(lat0), 110_574.0
    a = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        a += (x1 * kx) * (y2 * ky) - (x2 * kx) * (y1 * ky)
    return abs(a) / 2.0


def polygon_km2(geometry):
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return sum(ring_area_m2(p[0]) - sum(ring_area_m2(h) for h in p[1:]) for p in polys) / 1e6


def key(lon, lat):
    return (round(lon, 5), round(lat, 5))


def bench(out_dir, url, reach_json, runs):
    import valhalla

    actor = valhalla.Actor(str(Path(out_dir) / "valhalla.json"))
    cc = Carecover(url)
    contours = ",".join(str(c) for c in CONTOURS)
    iso_path = f"/api/v1/isochrone?lat={ORIGIN['lat']}&lon={ORIGIN['lon']}&contours={contours}"
    near_path = (f"/api/v1/nearest?lat={ORIGIN['lat']}&lon={ORIGIN['lon']}&k=5"
                 "&kind=home_care_support_clinic&sort=road")
    iso_req = json.dumps(iso_request())

    # The five clinics carecover ranks nearest by road: Valhalla routes to the same points.
    nearest = json.loads(cc.get(near_path))["results"]
    route_reqs = [json.dumps(dict(COSTING, locations=[ORIGIN, {"lat": r["lat"], "lon": r["lon"]}]))
                  for r in nearest]

    def valhalla_routes():
        return [actor.route(r) for r in route_reqs]

    # One untimed call each (Valhalla opens its tiles, carecover's caches are per request).
    actor.isochrone(iso_req)
    valhalla_routes()
    cc.get(iso_path)
    cc.get(near_path)
    times = {k: [] for k in ("v_iso", "c_iso", "v_route", "c_route")}
    for i in range(runs):
        # Each round: 5 calls of each, the median of them is the round's figure.
        for name, f in (("v_iso", lambda: actor.isochrone(iso_req)),
                        ("c_iso", lambda: cc.get(iso_path)),
                        ("v_route", valhalla_routes),
                        ("c_route", lambda: cc.get(near_path))):
            times[name].append(statistics.median(timed(f)[0] for _ in range(5)))
        print(f"round {i + 1}: isochrone valhalla {times['v_iso'][-1]:.1f} ms, carecover "
              f"{times['c_iso'][-1]:.1f} ms; 5 routes valhalla {times['v_route'][-1]:.1f} ms, "
              f"carecover nearest k=5 sort=road {times['c_route'][-1]:.1f} ms")
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"median: isochrone 15/30 min valhalla {med['v_iso']:.1f} ms (in-process), carecover "
          f"{med['c_iso']:.1f} ms (HTTP)")
    print(f"RATIO isochrone valhalla/carecover = {med['v_iso'] / med['c_iso']:.2f}x "
          f"(target >= 4x)")
    print(f"median: 5 routes valhalla {med['v_route']:.1f} ms (in-process), carecover nearest "
          f"k=5 by road {med['c_route']:.1f} ms (HTTP)")
    print(f"RATIO routes valhalla/carecover = {med['v_route'] / med['c_route']:.2f}x")

    # Routes: the same five destinations, road km and minutes on each side.
    for r, req in zip(nearest, route_reqs):
        s = json.loads(actor.route(req))["trip"]["summary"]
        print(f"route to {r['id']}: carecover {r['road_km']:.2f} km {r['drive_min']:.1f} min "
              f"(off-road {r['offroad_km']:.2f} km of it), valhalla {s['length']:.2f} km "
              f"{s['time'] / 60:.1f} min")

    # Reached nodes: Valhalla's expansion (edge ends reached within each contour) against
    # carecover's Dijkstra from the same snap.
    ours = json.loads(Path(reach_json).read_text())
    exp = json.loads(actor.expansion(json.dumps(dict(
        iso_request(), action="isochrone", expansion_properties=["duration"]))))
    ends = [(f["geometry"]["coordinates"][-1], f["properties"]["duration"])
            for f in exp["features"]]
    iso = json.loads(actor.isochrone(iso_req))
    v_km2 = {f["properties"]["contour"]: polygon_km2(f["geometry"]) for f in iso["features"]}
    c_iso = json.loads(cc.get(iso_path))
    c_km2 = {f["properties"]["contour"]: f["properties"].get("area_km2") for f in c_iso["features"]}
    for k, c in enumerate(ours["contours"]):
        minutes = c["minutes"]
        mine = {key(*p) for p in c["nodes"]}
        theirs = {key(*p) for p, d in ends if d <= minutes * 60}
        both = len(mine & theirs)
        print(f"{minutes:g} min reached nodes: carecover {len(mine)}, valhalla {len(theirs)}, "
              f"both {both}, only carecover {len(mine - theirs)}, only valhalla "
              f"{len(theirs - mine)} (jaccard {both / max(1, len(mine | theirs)):.3f})")
        narrow = ours["areas"]["buffer_100m_km2"][k]
        wide = ours["areas"]["buffer_1000m_km2"][k]
        print(f"{minutes:g} min area: carecover {c_km2.get(minutes, wide)} km2 over HTTP "
              f"({wide:.1f} km2 with the 1 km road buffer, {narrow:.1f} km2 with a 100 m one), "
              f"valhalla {v_km2.get(minutes, float('nan')):.1f} km2")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "bench":
        bench(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
