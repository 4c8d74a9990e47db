# Names vulture reports as unused although something does use them (a framework, the
# database, Python's own protocols). Only false positives belong here: code that nothing
# calls is deleted instead. Read by `uv run vulture` (see [tool.vulture] in pyproject.toml).
# ruff: noqa

# __aexit__ takes (exc_type, exc, tb) whether it reads them or not.
exc_type
tb

# openpyxl: cell styles are set by assigning these attributes.
_.font
_.number_format

# Translator and BoundTranslator are called as t(...) / translator(lang, key).
__call__

# pydantic-settings and SQLAlchemy read these class attributes.
model_config
type_annotation_map

# RankKey is compared as a whole tuple: every field takes part in the order.
negative_rating

# Choices a resident picks on a filing screen (the screens list the enum).
KEY_AT_CONCIERGE
WITH_ME_PRESENT
AFTERNOON
EVENING

# Columns and tables the migrations create: the models declare the whole schema,
# including what only SQL, the database itself or an operator reads.
RequestNumberCounter  # the per-day counter, written by raw SQL in storage/numbering.py
unreachable_since
updated_at
updated_by
verified_by
verified_at
revoked_by
visit_note
end_reason
received_at
period_end
declared_by
resolved_at
resolved_by
linked_at
decided_by
decided_at

# fluent.syntax's Visitor calls visit_<NodeType> by the node's class name.
visit_VariableReference
visit_SelectExpression

# The REST API's response models: fields are read by serialization.
access_token
token_type
next_cursor
next_after
