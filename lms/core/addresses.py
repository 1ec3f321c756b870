"""The address of the person making a request, as seen past our own proxies."""

import ipaddress

from django.conf import settings


def _clean(value: str) -> str | None:
    """A valid IP address from a header entry ("1.2.3.4", "1.2.3.4:5678", "[::1]:80"), or None."""
    value = value.strip()
    candidates = [value]
    if value.startswith("[") and "]" in value:
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:
        candidates.append(value.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_address(request) -> str:
    """The client's IP address, for every per-address limit (allauth's included).

    Behind TRUSTED_PROXY_COUNT proxies each appends the address it saw to X-Forwarded-For,
    so the entry that many from the right is the client; entries further left were written
    by the client and are ignored. With the default of 0 the header is ignored entirely and
    REMOTE_ADDR is the client.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        # Fewer entries than proxies: the request skipped the outer ones, and the leftmost
        # entry is what the first proxy it met saw.
        if hops and (address := _clean(hops[-min(count, len(hops))])):
            return address
    return _clean(request.META.get("REMOTE_ADDR", "")) or "unknown"
