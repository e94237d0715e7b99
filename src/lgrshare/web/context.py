"""Context every page gets: the service name and the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from lgrshare.notifications.services import unread_count


def service(request: HttpRequest) -> dict[str, Any]:
    """Return the service name and navigation items, marking the current section."""
    # Each item: its text, its address, and the paths that belong to that section.
    items = [
        ("My areas", reverse("home"), ("/areas/", "/councils/")),
        ("Your tasks", reverse("tasks"), (reverse("tasks"),)),
        ("Find data", reverse("catalogue"), (reverse("catalogue"),)),
        ("Data standards", reverse("standards"), (reverse("standards"),)),
        ("API tokens", reverse("tokens"), (reverse("tokens"),)),
    ]
    path = request.path
    if getattr(request, "two_factor_pending", False):
        # Signed in with a password, the second factor still to give: no way into the service
        # yet, so no menu (the header keeps "Sign out").
        return {"service_name": settings.SERVICE_NAME, "navigation": [], "two_factor_pending": True}
    navigation = [
        {"text": text, "href": href, "current": path == href or path.startswith(sections)}
        for text, href, sections in items
    ]
    user = getattr(request, "user", None)  # absent on responses made before authentication
    if user is not None and user.is_authenticated:
        # Notifications are their own small app below the capabilities: counting them here
        # imports no feature app.
        unread = unread_count(user=user)
        href = reverse("notifications")
        navigation.append(
            {
                "text": f"Notifications ({unread})" if unread else "Notifications",
                "href": href,
                "current": path.startswith(href),
            }
        )
    return {"service_name": settings.SERVICE_NAME, "navigation": navigation}
