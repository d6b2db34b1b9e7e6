import pytest
import redis.connection


@pytest.fixture
def trips(monkeypatch):
    """How many times a command (or a pipeline of commands) was sent to Redis: one per round trip."""
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent
