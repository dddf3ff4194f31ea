"""CPU time from /proc, for the benchmarks: a process tree's (a server and its workers) and a
database server's (its postmaster's tree, when it runs on this machine)."""

import asyncio
import os
from pathlib import Path

import asyncpg


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and all its descendants (Linux /proc), with
    the children that have ended and been waited for (a database server's closed sessions)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(map(int, fields[11:15])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


async def _data_directory(url: str) -> str | None:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT current_setting('data_directory', true)")
    finally:
        await conn.close()


def postmaster_pid(url: str) -> int | None:
    """The database server's process, if it runs on this machine and its data directory can be
    read (the embedded server can; another may not be): its CPU is all its backends'."""
    try:
        data_dir = asyncio.run(_data_directory(url))
    except asyncpg.InsufficientPrivilegeError:  # not a superuser: data_directory is hidden
        return None
    try:
        return int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    except (OSError, TypeError, ValueError, IndexError):
        return None
