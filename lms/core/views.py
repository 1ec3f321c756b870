from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.core.health import run_checks


@never_cache
@require_GET
def healthz(request):
    """200 when every service answers; 503 naming what failed (the load balancer's probe)."""
    checks = run_checks()
    failed = [name for name, result in checks.items() if result.startswith("error")]
    return JsonResponse(
        {"status": "unavailable" if failed else "ok", "checks": checks, "failed": failed},
        status=503 if failed else 200,
    )
