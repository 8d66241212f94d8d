"""Index rows written before "/" and "-" inside words were read as spaces
(search.folding.split_codes) get the same folded text as new rows, so
numbers like 15/QĐ-UBND are found by their parts. The vectors are
generated columns and follow."""

from django.db import migrations

JOIN = r"(?<=\w)[/-](?=\w)"


class Migration(migrations.Migration):
    dependencies = [("search", "0004_narrow_heap_scope_lexeme")]

    operations = [
        migrations.RunSQL(
            sql=(
                "UPDATE search_searchdocument SET "
                f"title_folded = regexp_replace(title_folded, '{JOIN}', ' ', 'g'), "
                f"body_folded = regexp_replace(body_folded, '{JOIN}', ' ', 'g') "
                f"WHERE title_folded ~ '{JOIN}' OR body_folded ~ '{JOIN}'"
            ),
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
