"""Where a participant's request spends its time: the psv form walked in process (Flask's test client,
a fresh SQLite file or PostgreSQL database, one thread, no network), timed per kind of request, with
its SQL statements and, with --profile, a cProfile of each kind.

    .venv/bin/python benchmarks/profile_step.py                      # time per kind of request
    .venv/bin/python benchmarks/profile_step.py --database postgres
    .venv/bin/python benchmarks/profile_step.py --profile --kind "step GET" [--top 40]

The same requests as benchmarks/load.py, without gunicorn and the load generator, so the figures
are the app's own cost per request (the hot path) on one core.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--polls", type=int, default=10, help="live dashboard polls, after everyone is done")
    parser.add_argument("--profile", action="store_true", help="run under cProfile and print the profiles")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    parser.add_argument("--kind", action="append", help="print the profile of only this kind")
    parser.add_argument("--callers", metavar="REGEX",
                        help="also print who calls the functions matching REGEX, and how often")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite",
                        help="a fresh SQLite file, or the PostgreSQL database `profile` made afresh")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import event

    from app import create_app
    from assessment.extensions import db
    from assessment.banks import get_bank
    from benchmarks.load import fresh_database
    from tests.helpers import complete_answers, csrf_token, make_facilitator, make_session

    os.environ["DATABASE_URL"] = fresh_database(args.database, Path(tempfile.mkdtemp(prefix="profile-")),
                                                "profile")
    app = create_app({"SECRET_KEY": "profile", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        session = make_session("psv")
        make_facilitator(programmes=[session.programme])
        session_id, code = session.id, session.join_code
        queries = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *_a: queries.__setitem__(0, queries[0] + 1))
    bank = get_bank("psv")
    statements: dict[str, list[int]] = defaultdict(list)
    profiles: dict[str, cProfile.Profile] = defaultdict(cProfile.Profile)
    timings: dict[str, list[float]] = defaultdict(list)

    def request(client, kind: str, method: str, url: str, **kwargs):
        profile = profiles[kind]
        before = queries[0]
        began = time.perf_counter()
        if args.profile:
            profile.enable()
        response = client.open(url, method=method, **kwargs)
        if args.profile:
            profile.disable()
        timings[kind].append(time.perf_counter() - began)
        statements[kind].append(queries[0] - before)
        assert response.status_code in (200, 204, 302), (kind, response.status_code)
        return response

    def post(client, kind, url, page, data):
        data = {**data, "csrf_token": csrf_token(page.get_data(as_text=True))}
        response = request(client, kind, "POST", url, data=data)
        location = response.headers["Location"]
        return request(client, "review GET" if location.endswith("/review") else "step GET", "GET", location)

    for number in range(args.participants + 3):
        if number == 3:  # the first three warm the caches and compile the templates
            profiles.clear()
            timings.clear()
        client = app.test_client()
        page = request(client, "join GET", "GET", f"/join/{code}")
        response = request(client, "join POST", "POST", f"/join/{code}", data={
            "name": f"Deltaker {number}", "role_group": "leadership",
            "csrf_token": csrf_token(page.get_data(as_text=True))})
        location = response.headers["Location"]  # /p/<token>/step/1
        token = location.split("/p/", 1)[1].split("/", 1)[0]
        page = request(client, "step GET", "GET", location)
        values: dict = {}
        for index, section in enumerate(bank.sections, start=1):
            data, values = complete_answers(bank, section, values, seed=number)
            page = post(client, "step POST", f"/p/{token}/step/{index}", page,
                        {**data.to_dict(flat=False), "action": "next"})
        post(client, "submit POST", f"/p/{token}/submit", page, {})

    facilitator = app.test_client()
    page = facilitator.get("/login")
    facilitator.post("/login", data={"email": "leder@example.org", "password": "et-godt-passord",
                                     "csrf_token": csrf_token(page.get_data(as_text=True))})
    everyone = args.participants + 3
    for _ in range(args.polls):  # something changed since the last poll: the whole dashboard again
        response = request(facilitator, f"live GET ({everyone} participants)", "GET",
                           f"/sessions/{session_id}/live?version=none")
    version = {"version": response.get_json()["version"]} if args.polls else {}
    for _ in range(args.polls):  # nothing changed: 204, what an idle dashboard costs twice a second
        unchanged = request(facilitator, f"live GET, no change ({everyone})", "GET",
                            f"/sessions/{session_id}/live", query_string=version)
        assert unchanged.status_code == 204, unchanged.status_code

    print(f"{'request':<34} {'count':>6} {'mean ms':>8} {'median':>8} {'min ms':>8} {'SQL statements':>15}")
    for kind, seconds in sorted(timings.items()):
        print(f"{kind:<34} {len(seconds):>6} {1000 * sum(seconds) / len(seconds):>8.1f} "
              f"{1000 * statistics.median(seconds):>8.1f} "
              f"{1000 * min(seconds):>8.1f} {sum(statements[kind]) / len(seconds):>15.1f}")
    for kind, profile in sorted(profiles.items()) if args.profile else ():
        if args.kind and kind not in args.kind:
            continue
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        shares = by_package(stats)
        print(f"\n==================== {kind}: own time by package, % of the request")
        print("  " + ", ".join(f"{name} {share:.0%}" for name, share in shares[:12]))
        stats.sort_stats(args.sort).print_stats(args.top)
        print(f"==================== {kind} ({args.sort})\n" + out.getvalue().split("\n\n", 2)[-1])
        if args.callers:
            out.seek(0)
            out.truncate()
            stats.print_callers(args.callers)
            print(out.getvalue())


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own (not cumulative) time grouped by where the code lives: a library, a folder of ours, or Python."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        if "site-packages/" in filename:
            where = filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
        elif filename.startswith(str(ROOT)):
            where = "ours: " + Path(filename).relative_to(ROOT).parts[0]
        else:
            where = "python"
        totals[where] += own
    whole = sum(totals.values()) or 1
    return sorted(((name, value / whole) for name, value in totals.items()), key=lambda item: -item[1])


if __name__ == "__main__":
    main()
