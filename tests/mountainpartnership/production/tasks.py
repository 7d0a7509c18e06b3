from celery import shared_task


@shared_task(bind=True, max_retries=1, default_retry_delay=0)
def fails_after_a_retry(self, address: str):
    """Fails at once, is retried once, and fails for good; its message names an address."""
    raise self.retry(exc=ConnectionError(f"Could not reach {address}"), countdown=0)
