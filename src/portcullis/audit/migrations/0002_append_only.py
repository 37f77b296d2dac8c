"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit tables.

(TRUNCATE stays with the database owner: it is what the test harness uses to empty a database,
and a role that may TRUNCATE may also drop the trigger.  Production runs the web and worker
processes as a role without TRUNCATE, see the README.)"""

from django.db import migrations

TABLES = ["audit_auditevent", "audit_accesslogentry"]

FUNCTION = """
CREATE OR REPLACE FUNCTION portcullis_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION portcullis_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
