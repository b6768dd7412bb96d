"""Leaving no copies of removed rows where a copy of the database would find them.

SQLite keeps the pages a transaction wrote in the WAL file until a checkpoint copies them into
the database, and a plain checkpoint leaves the old frames in the file; with `secure_delete`
(set on every connection, storage/database.py) a deleted row's bytes are zeroed in the
database file, and a TRUNCATE checkpoint empties the WAL. PostgreSQL keeps old row versions on
their pages until VACUUM removes them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import is_sqlite

log = logging.getLogger(__name__)


async def scrub(engine: AsyncEngine, tables: Sequence[str], *, rebuild: bool = False) -> None:
    """SQLite: checkpoint the WAL into the database and truncate it (with `rebuild`, first
    VACUUM the whole file, which leaves no free page behind). PostgreSQL: VACUUM `tables`.
    Neither may run inside a transaction; a failure is logged, never raised (the next run
    tries again)."""
    try:
        async with engine.connect() as connection:
            if is_sqlite(str(engine.url)):
                # Straight to the driver, outside any transaction: the connection is in the
                # driver's autocommit mode (storage.database), and an AUTOCOMMIT execution
                # option would leave it in another mode for the next user of the one connection.
                driver = (await connection.get_raw_connection()).driver_connection
                assert driver is not None  # an open connection has its driver's
                if rebuild:
                    await (await driver.execute("VACUUM")).close()
                await (await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")).close()
            elif tables:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql("VACUUM " + ", ".join(f'"{table}"' for table in tables))
    except Exception as error:  # noqa: BLE001 - housekeeping must never fail the work it follows
        log.warning("could not scrub the database (%s); the next run tries again", type(error).__name__)
