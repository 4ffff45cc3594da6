"""gunicorn's settings that go with the code: its logs on standard error.

    gunicorn newsroom.wsgi --config python:newsroom.gunicorn_config --bind ... --workers ...

Each request is logged, as `--access-logfile -` would log it but not on standard
output, and gunicorn's own messages too; the site's logs (LOGGING in settings.py)
go to standard error as well. The service manager collects them all from there.
"""

# Merged by gunicorn into its defaults (gunicorn.glogging.CONFIG_DEFAULTS), whose
# "error_console" handler writes to standard error. Until Django applies LOGGING in
# each worker, other loggers say only what matters (not that there is no .env file).
logconfig_dict = {
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
    },
}
