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
        assert [type(h).__name__ for h in ladder.handlers] == ["ConsoleHandler"]
        assert type(ladder.handlers[0].formatter).__name__ == "PlainFormatter"
        assert set(config["loggers"]) >= {"_granian", "granian.access", "ladder"}
    finally:
        ladder.setLevel(saved[0])
        ladder.handlers[:] = saved[1]
        ladder.propagate = saved[2]


def test_json_format_gives_ladder_a_json_handler_and_keeps_granians():
    config = copy.deepcopy(LOGGING_CONFIG) | serve_log_config("json")
    assert config["loggers"]["ladder"]["handlers"] == ["ladder"]
    assert {"console", "access"} <= set(config["handlers"])  # granian's own still there
    ladder = logging.getLogger("ladder")
    saved = (ladder.level, ladder.handlers[:], ladder.propagate)
    try:
        logging.config.dictConfig(config)
        assert type(ladder.handlers[0].formatter).__name__ == "JsonFormatter"
    finally:
        ladder.setLevel(saved[0])
        ladder.handlers[:] = saved[1]
        ladder.propagate = saved[2]
