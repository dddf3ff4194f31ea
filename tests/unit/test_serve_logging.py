import copy
import logging
import logging.config

from granian.log import LOGGING_CONFIG

from service.cli import serve_log_config


def test_ladder_logs_at_info_in_serve_and_granians_loggers_are_kept():
    config = copy.deepcopy(LOGGING_CONFIG) | serve_log_config()  # as granian merges it
    ladder = logging.getLogger("ladder")
    saved = (ladder.level, ladder.handlers[:], ladder.propagate)
    try:
        logging.config.dictConfig(config)
        assert ladder.getEffectiveLevel() == logging.INFO
        assert [type(h).__name__ for h in ladder.handlers] == ["StreamHandler"]
        assert set(config["loggers"]) >= {"_granian", "granian.access", "ladder"}
    finally:
        ladder.setLevel(saved[0])
        ladder.handlers[:] = saved[1]
        ladder.propagate = saved[2]
