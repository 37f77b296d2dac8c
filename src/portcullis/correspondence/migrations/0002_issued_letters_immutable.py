"""On PostgreSQL the database refuses to change what an issued letter says, or to delete it.

Recording service (served_on, served_method, state, deadlines) stays possible; the content columns
of a letter that is no longer a draft do not change, and template versions are never edited."""

from django.db import migrations

CONTENT = ["person_id", "template_id", "code", "language", "title", "related", "context", "html", "pdf", "sha256",
           "issued_at", "issued_by_id", "service_method"]

FUNCTION = """
CREATE OR REPLACE FUNCTION portcullis_letter_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'letter % is issued: DELETE refused', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state <> 'draft' AND (NEW.state = 'draft' OR %(changed)s) THEN
        RAISE EXCEPTION 'letter % is issued: its content cannot change', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT)
    schema_editor.execute(FUNCTION.replace("%(changed)s", changed), params=None)
    schema_editor.execute(
        "CREATE TRIGGER correspondence_letter_immutable BEFORE UPDATE OR DELETE ON correspondence_letter "
        "FOR EACH ROW EXECUTE FUNCTION portcullis_letter_immutable()")
    schema_editor.execute(
        "CREATE TRIGGER correspondence_lettertemplate_append_only BEFORE UPDATE OR DELETE ON "
        "correspondence_lettertemplate FOR EACH ROW EXECUTE FUNCTION portcullis_append_only()")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS correspondence_letter_immutable ON correspondence_letter")
    schema_editor.execute("DROP TRIGGER IF EXISTS correspondence_lettertemplate_append_only ON correspondence_lettertemplate")


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0001_initial"), ("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
