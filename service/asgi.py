"""Import target for ASGI servers: `granian --interface asgi service.asgi:app` or
`uvicorn service.asgi:app`. Settings come from the environment."""

from service.app import create_app

app = create_app()
