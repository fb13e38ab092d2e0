"""kernel_client: ready as soon as the kernel answers, on shell and on IOPub."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest

from snppe_report.report import execute, kernel_client
from snppe_report.report.kernel_client import ReadyKernelClient


def _status(state: str, parent: str) -> dict:
    return {
        "msg_type": "status",
        "content": {"execution_state": state},
        "parent_header": {"msg_id": parent},
    }


class _Channel:
    """A channel giving its messages in order, then Empty (recording each wait)."""

    def __init__(self, messages):
        self.messages = list(messages)
        self.timeouts: list[float] = []

    async def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        if not self.messages:
            raise Empty
        message = self.messages.pop(0)
        if message is Empty:
            raise Empty
        return message


class _Client(ReadyKernelClient):
    """ReadyKernelClient over fake channels: no kernel, no socket."""

    def __init__(self, shell, iopub, alive=True):
        super().__init__()
        self._shell, self._iopub, self.alive, self.requests = shell, iopub, alive, []

    shell_channel = property(lambda self: self._shell)
    iopub_channel = property(lambda self: self._iopub)

    def kernel_info(self):
        self.requests.append(f"r{len(self.requests) + 1}")
        return self.requests[-1]

    async def is_alive(self):
        return self.alive

    def _managed(self):
        return True  # as if a kernel manager had made it


def _reply(parent: str, protocol: str = "5.3") -> dict:
    return {
        "msg_type": "kernel_info_reply",
        "content": {"protocol_version": protocol},
        "parent_header": {"msg_id": parent},
    }


def test_ready_on_the_idle_status_of_the_answered_request():
    iopub = _Channel([_status("busy", "r1"), _status("idle", "r1"), "never read"])
    client = _Client(_Channel([_reply("r1")]), iopub)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.requests == ["r1"]
    assert iopub.messages == ["never read"]  # no wait for silence after the idle


def test_an_iopub_not_yet_subscribed_makes_it_ask_again():
    """The first request's status was published before the subscription: lost."""
    iopub = _Channel([Empty, _status("busy", "r2"), _status("idle", "r2")])
    client = _Client(_Channel([_reply("r1"), _reply("r2")]), iopub)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.requests == ["r1", "r2"]
    assert iopub.timeouts[0] == pytest.approx(kernel_client.IOPUB_WAIT, abs=0.05)


def test_statuses_of_earlier_requests_are_read_past():
    iopub = _Channel([_status("idle", "r1"), _status("busy", "r2"), _status("idle", "r2")])
    client = _Client(_Channel([Empty, _reply("r2")]), iopub)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.requests == ["r1", "r2"]
    assert iopub.messages == []


def test_the_kernel_s_welcome_to_a_new_subscriber_is_enough():
    """ipykernel ≥ 7 welcomes each subscription; the status it published just before
    never reaches this one."""
    iopub = _Channel([{"msg_type": "iopub_welcome", "content": {}, "parent_header": {}}, "x"])
    client = _Client(_Channel([_reply("r1")]), iopub)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert iopub.messages == ["x"]


def test_some_iopub_message_is_enough_to_know_it_is_subscribed():
    """As jupyter_client: one message proves the subscription, even if the idle is late."""
    client = _Client(_Channel([_reply("r1")]), _Channel([_status("busy", "r1")]))
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.requests == ["r1"]


def test_the_protocol_version_of_the_reply_is_adopted():
    iopub = _Channel([_status("idle", "r1")])
    client = _Client(_Channel([_reply("r1", protocol="4.1")]), iopub)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.session.adapt_version == 4


def test_a_dead_kernel_and_a_silent_one_raise_as_jupyter_client_does():
    dead = _Client(_Channel([Empty]), _Channel([]), alive=False)
    with pytest.raises(RuntimeError, match="s'est arrêté avant de répondre"):
        asyncio.run(dead.wait_for_ready(timeout=5))
    silent = _Client(_Channel([Empty]), _Channel([]))
    with pytest.raises(RuntimeError, match="n'a pas répondu en 0 s"):
        asyncio.run(silent.wait_for_ready(timeout=0))


def test_a_client_made_without_a_manager_keeps_jupyter_client_s_ways(monkeypatch):
    """Without a manager, only the heartbeat tells whether the kernel lives."""
    from jupyter_client.asynchronous import AsyncKernelClient

    calls = []
    monkeypatch.setattr(
        AsyncKernelClient, "start_channels", lambda self, **kw: calls.append(("start", kw["hb"]))
    )

    async def waited(self, timeout=None):
        calls.append(("wait", timeout))

    monkeypatch.setattr(AsyncKernelClient, "wait_for_ready", waited)
    alone = ReadyKernelClient()
    alone.start_channels()
    asyncio.run(alone.wait_for_ready(timeout=7))
    managed = _Client(_Channel([]), _Channel([]))
    managed.start_channels()
    assert calls == [("start", True), ("wait", 7), ("start", False)]


@pytest.mark.slow
def test_a_real_kernel_is_ready_on_its_idle_status_then_runs_code(tmp_path):
    """With ipykernel itself: the wait ends on a message, never on IOPub silence (a
    first request may go unseen while the subscription connects: it is sent again)."""
    from jupyter_core.utils import run_sync

    cls = execute._owned_manager_class([], tmp_path / "noyau.stderr")
    km = cls(kernel_name="python3")
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    kc = km.client()
    try:
        assert isinstance(kc, ReadyKernelClient)
        kc.start_channels()
        reads = []
        original = kc.iopub_channel.get_msg

        async def get_msg(timeout=None):
            try:
                message = await original(timeout=timeout)
            except Empty:
                reads.append("silence")
                raise
            reads.append(message["msg_type"])
            return message

        kc.iopub_channel.get_msg = get_msg
        run_sync(kc.wait_for_ready)(timeout=60)
        assert reads[-1] in {"status", "iopub_welcome"}, reads
        reply = run_sync(kc.execute_interactive)("x = 6 * 7", timeout=30)
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)


@pytest.mark.slow
def test_no_heartbeat_thread_even_when_stopped_at_once(tmp_path):
    """jupyter_client's heartbeat thread, stopped before it runs, loops making sockets;
    the kernel manager says whether the kernel lives, so none is started."""
    import threading

    from jupyter_core.utils import run_sync

    cls = execute._owned_manager_class([], tmp_path / "noyau.stderr")
    km = cls(kernel_name="python3")
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    try:
        before = set(threading.enumerate())
        kc = km.client()
        kc.start_channels()
        assert not kc.hb_channel.is_alive()
        assert set(threading.enumerate()) == before
        kc.stop_channels()  # at once, as an interrupted report does
        assert run_sync(kc.is_alive)()  # the manager still answers for the kernel
    finally:
        run_sync(km.shutdown_kernel)(now=True)
