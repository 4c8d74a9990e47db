"""Storage layer: SQLAlchemy models, engine/session factory, migrations, repositories."""
