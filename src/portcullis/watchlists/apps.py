from django.apps import AppConfig


class WatchlistsConfig(AppConfig):
    name = "portcullis.watchlists"
    label = "watchlists"
    verbose_name = "Watchlists and screening"
