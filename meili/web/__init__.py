"""The web app: read-only JSON API with OpenAPI docs, and server-rendered portal pages."""
