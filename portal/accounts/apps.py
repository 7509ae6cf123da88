from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        # Register this app's Celery tasks in every process, not only in workers.
        from portal.accounts import tasks  # noqa: F401
        from portal.accounts.notifications import hooks
        from portal.accounts.notifications import tasks as notification_tasks  # noqa: F401

        hooks.register()
        _register_page_parts()
        _register_personal_data()


def _register_page_parts():
    from portal.accounts.notifications.views import LIST, batched_list_key, list_part
    from portal.pagecache import batch
    from portal.pagecache.holes import register_loader

    register_loader(LIST, list_part)
    # The kept list is read with the person, in the request's first round trip.
    batch.register(batched_list_key)


def _register_personal_data():
    # The territories app sits below this one: it is registered here, not by itself.
    from portal.accounts.selectors import register_personal_data
    from territories.personal_data import territory_data

    register_personal_data("territories", territory_data)
