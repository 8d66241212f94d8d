"""Background work of social (the rows are in the public schema)."""

from celery import shared_task


@shared_task(name="social.tasks.post_to_zalo", ignore_result=True)
def post_to_zalo(post_id):
    from . import services

    post = services.post_one(post_id)
    return post.state if post else None


@shared_task(name="social.tasks.post_due", ignore_result=True)
def post_due():
    from . import services

    return len(services.post_due())
