# The Celery app lives in socialdomain/celery.py and is not imported here: a web
# worker would carry the whole Celery stack for nothing (see that module).
