from django.db import migrations


class Migration(migrations.Migration):
    """Keep the folded vector in the heap row (compressed there if needed):
    the body, its folded copy and the as-written vector go to TOAST first,
    so matching and ranking read one heap page instead of TOAST chunks."""

    dependencies = [("search", "0002_rank_candidates")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE MAIN",
            "ALTER TABLE search_searchdocument "
            "ALTER COLUMN vector SET STORAGE EXTENDED",
        )
    ]
