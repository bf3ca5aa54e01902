"""INSERT … SELECT for bulk work that the database can do by itself.

`bulk_create()` builds a model instance per row and adapts every value in Python: for a
cycle launch of 10,000 appraisals with 40,000 targets that is most of the time spent. When the
rows come from rows already in the database (goals become appraisal targets, launched
appraisals get their first event) one INSERT … SELECT does the same work inside PostgreSQL.

The column list is built from the model, so a field added later is filled with its default
instead of breaking the statement: the caller names only the columns it computes.
PostgreSQL only (the project's one database engine).
"""

from django.db import connections, models, router


def insert_from_select(
    model,
    *,
    organization,
    values: dict[str, str],
    constants: dict | None = None,
    from_sql: str,
    params: list | tuple = (),
    with_sql: str = "",
    with_params: list | tuple = (),
    on_conflict: str = "",
    returning: list[str] | None = None,
):
    """INSERT INTO model's table (every column) SELECT … `from_sql`.

    `values` maps field names (attnames such as "appraisal_id") to SQL expressions over
    `from_sql`, without parameters (their placeholders would interleave with the defaults');
    `constants` maps field names to one value for every row, passed as parameters; `params`
    belong to `from_sql`. The rest is filled in: `organization_id` with the tenant's id,
    `public_id` with a fresh UUID per row, auto_now(_add) with the transaction's time, other
    fields with their default (or NULL). `with_sql` is an optional `WITH …` before the INSERT.

    Returns the `returning` columns of the inserted rows as tuples, else the row count.
    """
    sql, sql_params = insert_from_select_sql(
        model,
        organization=organization,
        values=values,
        constants=constants,
        from_sql=from_sql,
        params=params,
        on_conflict=on_conflict,
        returning=returning,
    )
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.execute(f"{with_sql} {sql}", [*with_params, *sql_params])
        return cursor.fetchall() if returning else cursor.rowcount


def insert_from_select_sql(
    model,
    *,
    organization,
    values: dict[str, str],
    constants: dict | None = None,
    from_sql: str,
    params: list | tuple = (),
    on_conflict: str = "",
    returning: list[str] | None = None,
) -> tuple[str, list]:
    """The statement insert_from_select runs, and its parameters, for a caller that embeds it
    (as a data-modifying `WITH x AS (…)`, to join what it returns in the same statement)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns, select, select_params = [], [], []
    constants = constants or {}
    unknown = (set(values) | set(constants)) - {field.attname for field in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no columns {sorted(unknown)}")
    for field in meta.concrete_fields:
        if field.primary_key and field.attname not in values and field.attname not in constants:
            continue  # the sequence numbers it
        columns.append(quote(field.column))
        if field.attname in values:
            select.append(values[field.attname])
        elif field.attname in constants:
            select.append(f"%s::{field.db_type(connection)}")
            select_params.append(field.get_db_prep_save(constants[field.attname], connection))
        elif field.attname == "organization_id":
            select.append("%s")
            select_params.append(organization.pk)
        elif field.name == "public_id":
            select.append("gen_random_uuid()")
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            select.append("transaction_timestamp()")
        elif field.has_default():
            select.append(f"%s::{field.db_type(connection)}")
            select_params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            select.append("NULL")
        elif isinstance(field, (models.CharField, models.TextField)) and field.blank:
            select.append("''")
        else:
            raise ValueError(f"{meta.label}.{field.name} needs a value: it has no default and is not nullable")
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(select)} {from_sql} {on_conflict}"
    )
    if returning:
        sql += " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in returning)
    return sql, [*select_params, *params]
