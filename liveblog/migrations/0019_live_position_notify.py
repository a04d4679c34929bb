"""Every committed change of a live's row is announced on PostgreSQL's `NOTIFY` channel
`liveblog_live_position`, naming the live's old and new slugs (a rename and a deletion
too), so each server process can keep the lives' positions without asking on every
request (liveblog.live.positions_memo). Every event moves its live's `last_seq` by
updating that row (liveblog.domain.events), and a change by hand or in the admin updates it
too: each one is heard, and only once committed (NOTIFY is transactional). Emptying the
table (TRUNCATE, `manage.py flush`) names every live ("*"). SQLite: nothing to do, the
processes read the position on every request."""

from django.db import migrations

CHANNEL = "liveblog_live_position"


def statements(table: str) -> dict[str, list[str]]:
    return {
        "create": [
            f"""CREATE FUNCTION liveblog_livesession_notify() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_LEVEL = 'STATEMENT' THEN
                    PERFORM pg_notify('{CHANNEL}', '*');
                ELSIF TG_OP = 'INSERT' THEN
                    PERFORM pg_notify('{CHANNEL}', NEW.slug);
                ELSIF TG_OP = 'DELETE' THEN
                    PERFORM pg_notify('{CHANNEL}', OLD.slug);
                ELSE
                    PERFORM pg_notify('{CHANNEL}', OLD.slug || ' ' || NEW.slug);
                END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER liveblog_livesession_notify
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION liveblog_livesession_notify()""",
            f"""CREATE TRIGGER liveblog_livesession_notify_truncate
            AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION liveblog_livesession_notify()""",
        ],
        "drop": [
            f"DROP TRIGGER IF EXISTS liveblog_livesession_notify_truncate ON {table}",
            f"DROP TRIGGER IF EXISTS liveblog_livesession_notify ON {table}",
            "DROP FUNCTION IF EXISTS liveblog_livesession_notify()",
        ],
    }


def run_on_postgresql(step: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = apps.get_model("liveblog", "LiveSession")._meta.db_table
        for statement in statements(schema_editor.quote_name(table))[step]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("liveblog", "0018_link_cards_read_by_the_worker"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql("create"), run_on_postgresql("drop")),
    ]
