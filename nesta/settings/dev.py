from .base import *  # noqa: F403

DEBUG = True
# `make dev` runs no worker: tasks run where they are enqueued (after commit).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
