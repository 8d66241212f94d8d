"""System checks of the citizen app's push settings."""

from django.conf import settings
from django.core.checks import Warning, register


@register("pwa", deploy=True)
def check_vapid_key(app_configs=None, **kwargs):
    """pwa.W001 (``check --deploy``): no VAPID key in the environment. The
    key file made on first use lives in the container's .local/ and a new
    image makes a new key, which silently ends every citizen's
    subscription; pwa.W002: plain-http push endpoints allowed."""
    problems = []
    if not settings.WEBPUSH_VAPID_PRIVATE_KEY:
        problems.append(
            Warning(
                "WEBPUSH_VAPID_PRIVATE_KEY is not set: the VAPID key is made in "
                f"{settings.WEBPUSH_VAPID_KEY_FILE} and lost with the container.",
                hint="Put a PEM key in the environment (docs/pwa.md, deploy/"
                "env.example) and keep it for the life of the installation.",
                obj="WEBPUSH_VAPID_PRIVATE_KEY",
                id="pwa.W001",
            )
        )
    if settings.WEBPUSH_INSECURE_HOSTS:
        problems.append(
            Warning(
                "WEBPUSH_INSECURE_HOSTS lets subscriptions point to plain-http "
                f"endpoints on {', '.join(settings.WEBPUSH_INSECURE_HOSTS)}.",
                hint="Only tests and benchmarks need it; leave it empty.",
                obj="WEBPUSH_INSECURE_HOSTS",
                id="pwa.W002",
            )
        )
    return problems
