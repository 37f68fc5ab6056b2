"""The GraphQL layer: types, queries, loaders, the ASGI app and the CLI."""
