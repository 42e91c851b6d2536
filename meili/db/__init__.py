"""The relational store: SQLAlchemy 2 models, Alembic migrations, sessions."""
