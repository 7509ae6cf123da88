"""Load the shipped region into an empty database through the import path, then recompute;
then recompute again with nothing changed, where every map layer is reused."""

import os
import secrets
import tempfile
import time

import _harness


def main():
    # As a deployment runs it: DEBUG off (no query log kept), so a throwaway key.
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}
    if "DATABASE_URL" not in env:
        folder = tempfile.mkdtemp(prefix="cohesion-bench-")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        env["VAR_DIR"] = folder
    else:
        _harness.database_recreate(env["DATABASE_URL"])
        env["VAR_DIR"] = tempfile.mkdtemp(prefix="cohesion-bench-")
    _harness.manage("migrate", "-v0", env=env)
    started = time.perf_counter()
    result = _harness.manage(
        "load_territories",
        str(_harness.ROOT / "data" / "paysdelaloire"),
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    print(result.stdout)
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"{engine}: load from empty + full recompute: {elapsed:.1f} s (process start included)")
    again = _harness.manage("shell", "-c", AGAIN, env=env, capture_output=True, text=True)
    print(f"{engine}: {again.stdout.strip().splitlines()[-1]}")


AGAIN = """
import time
from territories.pipeline import services
started = time.perf_counter()
run = services.recompute_now(reason="benchmark: nothing changed")
elapsed = time.perf_counter() - started
layers = run.stats["layers"]
print(
    f"recompute with nothing changed: {elapsed:.1f} s; "
    f"{layers['layers_reused']} of {layers['layers']} map layers reused, "
    f"layers step {run.stats['layers_seconds']:.1f} s"
)
"""


if __name__ == "__main__":
    main()
