"""The web layer: glue between HTTP requests and the domain services, above every domain package."""
