"""The two dependencies every /v1 handler takes: `db: Db` (the request's connection, inside its
transaction) and `principal: Caller` (who the bearer token belongs to)."""

import asyncpg
from litestar.di import NamedDependency

from service.auth.logic import Principal

Db = NamedDependency[asyncpg.Connection]
Caller = NamedDependency[Principal]
