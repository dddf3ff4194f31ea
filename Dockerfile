# Ladder against an external PostgreSQL 15+: set LADDER_DATABASE_URL when running.
#   docker build -t ladder .
#   docker run -e LADDER_DATABASE_URL=postgresql://user:pass@db:5432/ladder -p 8000:8000 ladder
# The wheel carries the migrations and the reference catalogue; the image keeps no source tree.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY migrations ./migrations
COPY catalogue ./catalogue
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    LADDER_HOST=0.0.0.0 \
    LADDER_PORT=8000

RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install /wheels/*.whl && useradd --system --uid 10001 --home-dir /app ladder
WORKDIR /app

USER ladder
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)" || exit 1
ENTRYPOINT ["ladder"]
CMD ["serve"]
