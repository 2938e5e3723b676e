"""gunicorn settings for `make serve`, read from the environment.

WEB_CONCURRENCY  worker processes (default: 2 per CPU core + 1)
GUNICORN_THREADS threads per worker (default 1; each thread holds its own database connection)
PORT, BIND_HOST  where to listen (default 0.0.0.0:8000, for a load balancer in front)
GUNICORN_TIMEOUT seconds before a stuck worker is replaced (default 30)
"""

import multiprocessing
import os

bind = f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
# Longer than a typical load balancer's idle timeout, so it never reuses a closed socket.
keepalive = 75
# Recycle workers now and then so a slow leak never grows; jitter staggers the restarts.
max_requests = 1000
max_requests_jitter = 100
# No runtime control socket: one fixed path per user would clash between app servers on a host.
control_socket_disable = True

# The app logs one JSON line per request itself; gunicorn's own messages go to stderr as JSON too.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "interviewbank.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def on_starting(server):
    """Start the one sentence encoder the workers share (see questions/search/encoder.py)."""
    from interviewbank import encoder_process

    encoder_process.start(server.log)


def on_exit(server):
    from interviewbank import encoder_process

    encoder_process.stop()
