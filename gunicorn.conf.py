"""gunicorn's settings for `make run` (gunicorn also reads this file by itself when started here).

gunicorn refuses some requests before Django sees them, with its own small HTML/plain-text page:
a request line over limit_request_line (414), a header over limit_request_field_size or more than
limit_request_fields headers (431 / 400), a malformed request line (400). These limits are set at
gunicorn's maxima so the application answers everything it can: it refuses a URL over
NESTA_MAX_URL_LENGTH (4,096 characters, below gunicorn's line limit) itself with a JSON 414 under
/api/, and bodies over its limits with a JSON 413 (README "Limits").
"""

import os

# Sync workers, one request each: on SQLite the bookings queue at one write lock anyway, and on
# 2 cores 3 workers kept both busy while one waits on the database (docs/benchmarks.md has the
# sweep). `make run` passes WORKERS; the benchmark reads this file.
workers = int(os.environ.get("WORKERS", "3"))
limit_request_line = 8190  # gunicorn's maximum; the app's own JSON 414 starts at 4,096
limit_request_fields = 100
limit_request_field_size = 8190
timeout = 30
graceful_timeout = 10
