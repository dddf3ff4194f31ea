"""Terms more than one domain speaks in: a worker's contract and qualification (people records
them, policy's rules name them) and the largest amounts of money. A neutral module, so that
neither domain imports the other to share them; it imports nothing of the service."""

from typing import Literal

ContractType = Literal["permanent", "fixed_term", "zero_hours", "agency", "outsourced"]
Qualification = Literal["none", "E1", "E2", "E3", "1", "2", "3", "4", "5", "6", "7", "8"]

# £1,000,000: the largest amount of money an input may state (a policy amount, a course's cost
# in docs/courses.md); far above any real one, well inside bigint.
MAX_PENCE = 100_000_000
# £100,000: the largest single ledger entry a caller may add (docs/accounts.md), smaller than
# MAX_PENCE by design of the accounts API.
MAX_ENTRY_PENCE = 10_000_000
