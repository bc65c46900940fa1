"""The app container's health check: `GET /healthz` of the app in this container (serve.py).

Exit 0 when it answers 200 (the app serves, its database answers and the schema is current), else 1, with
the app's one-line reason. Only the standard library: it starts in a few milliseconds, where
`python -m data health` imports the whole data layer (about 2 s of CPU) every interval; the worker and
backup containers, which serve no HTTP, use that one, less often (deploy/compose.yaml).
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8501/healthz"


def main() -> int:
    try:
        with urllib.request.urlopen(URL, timeout=8) as response:
            print(response.read().decode().strip())
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode().strip())
    except OSError as error:
        print(f"the app does not answer on {URL}: {error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
