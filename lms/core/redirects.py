"""Where a form may send the person back to: the `next` it carries, if it stays on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """`next` from the POST (or GET) when it points at this site, else `fallback`.

    A page may pass its own address as `next`; anything else (another host, a scheme-relative
    `//elsewhere`, `javascript:`) would turn a staff action into an open redirect.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
