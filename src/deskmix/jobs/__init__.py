"""Background jobs: simulations and plans run in worker processes, their status in the store.

``runner.JobRunner`` records a job and hands it to a spawned worker (``work.run_job``), which
writes progress, result or error to the job's row; ``heartbeat`` keeps a held job's row fresh
so any server sharing the database can tell an abandoned job from a slow one; ``params`` holds
what each kind of job takes. The rows themselves are read and written through
``deskmix.store.jobs``. The API's job routes and the dashboard both submit and poll here.
"""
