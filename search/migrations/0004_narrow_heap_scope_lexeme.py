import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

import search.models


def vector_field():
    return models.GeneratedField(
        db_persist=True,
        expression=django.contrib.postgres.search.CombinedSearchVector(
            django.contrib.postgres.search.CombinedSearchVector(
                django.contrib.postgres.search.SearchVector(
                    "title_folded", config="simple", weight="A"
                ),
                "||",
                django.contrib.postgres.search.SearchVector(
                    "body_folded", config="simple", weight="C"
                ),
                django.contrib.postgres.search.SearchConfig("simple"),
            ),
            "||",
            search.models.ScopeLexeme("schema"),
            django.contrib.postgres.search.SearchConfig("simple"),
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
    )


class Migration(migrations.Migration):
    """Search speed on a large index (bench/search_corpus.py).

    1. ``vector`` also holds the unit's scope lexeme ``@<schema>``: a search
       in a district or a unit is one GIN question (words AND any of the
       scope's lexemes), never "the schema index, then test each row's
       vector". A generated column cannot be altered: it is dropped and
       added again (computed for every row).
    2. A narrow heap row: ``toast_tuple_target = 128`` sends the body, its
       folded copy and both large vectors to TOAST, so the GIN bitmap visits
       ~18 rows per heap page instead of ~4 (200,000 documents: 86 MB of
       heap instead of 390 MB, which fits in shared buffers).
       ``title_vector`` stays in the row (STORAGE MAIN): it is tested on
       every match, and autocomplete matches on it (its own GIN index).
       Set first: re-adding ``vector`` rewrites every row in the new layout.
    """

    dependencies = [("search", "0003_vector_in_row")]

    operations = [
        migrations.RunSQL(
            [
                "ALTER TABLE search_searchdocument SET (toast_tuple_target = 128)",
                "ALTER TABLE search_searchdocument "
                "ALTER COLUMN title_vector SET STORAGE MAIN",
            ],
            [
                # Unapplied last (after the old vector is back): 0003's layout.
                "ALTER TABLE search_searchdocument RESET (toast_tuple_target)",
                "ALTER TABLE search_searchdocument "
                "ALTER COLUMN title_vector SET STORAGE EXTENDED",
                "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE MAIN",
            ],
        ),
        migrations.RemoveIndex(model_name="searchdocument", name="search_doc_vector_gin"),
        migrations.RemoveField(model_name="searchdocument", name="vector"),
        migrations.AddField(
            model_name="searchdocument", name="vector", field=vector_field()
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fastupdate=False, fields=["vector"], name="search_doc_vector_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fastupdate=False, fields=["title_vector"], name="search_doc_title_gin"
            ),
        ),
    ]
