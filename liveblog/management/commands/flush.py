"""Django's `flush`, which empties every table, audit log included.

SQLite empties tables with DELETE, which the audit log's triggers refuse (PostgreSQL uses
TRUNCATE, not a row change): on SQLite the triggers are lifted for the flush only.
Emptying the whole database is a database owner's act, never one of the app's.
"""

from importlib import import_module

from django.core.management.commands import flush
from django.db import connections

TRIGGERS = import_module("liveblog.migrations.0005_audit_log_append_only").TRIGGERS["sqlite"]


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or not self.audit_log_exists(connection):
            return super().handle(**options)
        self.run(connection, TRIGGERS["drop"])
        try:
            return super().handle(**options)
        finally:
            self.run(connection, TRIGGERS["create"])

    @staticmethod
    def audit_log_exists(connection) -> bool:
        return "liveblog_auditentry" in connection.introspection.table_names()

    @staticmethod
    def run(connection, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
