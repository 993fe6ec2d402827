"""Customer circumstances staff record, such as being a student, that the increase rules read."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import Engine, insert, select, update

from creditline.clock import Clock
from creditline.policy.customer_rules import STUDENT_FLAG
from creditline.errors import InvalidInput, NotFound
from creditline.store.tables import customer_flags, customers
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)

KNOWN_FLAGS = (STUDENT_FLAG,)


def set_flag(engine: Engine, customer_id: str, flag: str, active: bool, staff: str, clock: Clock) -> list[str]:
    """Note (``active``) or clear a flag on a customer; return the customer's active flags."""
    if flag not in KNOWN_FLAGS:
        raise InvalidInput("customer.error.flag_unknown", flag=flag, allowed=", ".join(KNOWN_FLAGS))
    now = clock.now()
    with transaction(engine) as conn:
        if conn.scalar(select(customers.c.customer_id).where(customers.c.customer_id == customer_id)) is None:
            raise NotFound(kind="customer", ident=customer_id)
        current = customer_flags.c.customer_id == customer_id
        open_rows = (customer_flags.c.flag == flag) & customer_flags.c.cleared_at.is_(None)
        exists = conn.scalar(select(customer_flags.c.flag_id).where(current, open_rows))
        if active and exists is None:
            conn.execute(insert(customer_flags).values(flag_id=str(uuid.uuid4()), customer_id=customer_id, flag=flag,
                                                       noted_by=staff, noted_at=now))
        elif not active and exists is not None:
            conn.execute(update(customer_flags).where(current, open_rows).values(cleared_at=now))
        flags = list(conn.scalars(select(customer_flags.c.flag).where(current, customer_flags.c.cleared_at.is_(None))))
    logger.info("customer flag %s on %s set to %s by %s", flag, customer_id, active, staff)
    return flags
