"""Context every page gets: the service name and the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def service(request: HttpRequest) -> dict[str, Any]:
    """Return the service name and navigation items, marking the current section."""
    # Each item: its text, its address, and the paths that belong to that section.
    items = [
        ("My areas", reverse("home"), ("/areas/", "/councils/")),
        ("API tokens", reverse("tokens"), (reverse("tokens"),)),
    ]
    path = request.path
    navigation = [
        {"text": text, "href": href, "current": path == href or path.startswith(sections)}
        for text, href, sections in items
    ]
    return {"service_name": settings.SERVICE_NAME, "navigation": navigation}
