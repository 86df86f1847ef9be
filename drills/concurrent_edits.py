"""Drill 1: two people save the same version of a record; exactly one wins, nothing is lost.

Each round, two threads load the same subject at the same version and save
different values in a random order with random pauses. The drill counts
winners and checks the stored value is the winner's: 0 lost edits.
"""

from __future__ import annotations

import random
import sys
import threading
import time

from drills.common import engines, make_app, parser, report, scratch_database


def run(engine: str, rounds: int, seed: int = 7) -> bool:
    from portal.database import StaleRecordError
    from portal.extensions import db
    from portal.reviews.models import Review, Subject, SubjectRole

    rng = random.Random(seed)
    with scratch_database(engine) as url:
        make_app(url)
        with db.database.connection_context():
            from portal.organisations.models import Partnership

            partnership = Partnership.create(name="Drill Partnership")
            review = Review.create(
                reference="DHR-2026-900",
                kind="dhr",
                partnership=partnership,
                title="Drill",
                date_notified="2026-01-01",
            )
            subject = Subject.create(review=review, role=SubjectRole.DECEASED, full_name="start")
        lost = double_wins = no_wins = 0
        started = time.perf_counter()
        for number in range(rounds):
            with db.database.connection_context():
                version = Subject.get_by_id(subject.id).version
            outcome: dict[str, bool] = {}
            barrier = threading.Barrier(2)

            def save(name: str, pause: float) -> None:
                barrier.wait()
                time.sleep(pause)
                with db.database.connection_context():
                    row = Subject.get_by_id(subject.id)
                    try:
                        with db.database.atomic():
                            row.save_changes(version, full_name=f"{name}-{number}")
                        outcome[name] = True
                    except StaleRecordError:
                        outcome[name] = False

            threads = [
                threading.Thread(target=save, args=(name, rng.random() * 0.002)) for name in ("a", "b")
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            winners = [name for name, won in outcome.items() if won]
            with db.database.connection_context():
                stored = Subject.get_by_id(subject.id).full_name
            if len(winners) > 1:
                double_wins += 1
            elif not winners:
                no_wins += 1
            elif stored != f"{winners[0]}-{number}":
                lost += 1
        seconds = time.perf_counter() - started
    return report(
        f"concurrent edits [{engine}]",
        f"{rounds} interleavings in {seconds:.1f}s: {lost} lost edits, {double_wins} double wins, {no_wins} with no winner",
        lost == double_wins == no_wins == 0,
    )


def main() -> int:
    args = parser(__doc__).parse_args()
    rounds = 100 if args.quick else 1000
    results = [run(engine, rounds) for engine in engines(args.engine)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
