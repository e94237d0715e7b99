from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lgrshare.notifications"
    label = "notifications"
    verbose_name = "Notifications: what waits for whom"
