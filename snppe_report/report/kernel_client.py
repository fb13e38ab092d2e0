"""A kernel client ready as soon as its kernel answers, without 0.2 s of IOPub silence.

It starts no heartbeat channel (:meth:`ReadyKernelClient.start_channels`).

jupyter_client's ``wait_for_ready`` sends ``kernel_info_request`` until the reply comes
and one IOPub message proves the subscription works (PUB/SUB drops what is published
before it). It then drains IOPub until it has been silent for 0.2 s: every report
waited that long, idle, before its first cell. Here the drain ends on the kernel's
``idle`` status for the request answered (the last message the kernel publishes for
it), or on the kernel's welcome to a new subscriber; nbclient ignores the IOPub
messages of other requests anyway. The rest is jupyter_client's own loop: the same
retries, errors and protocol adaptation.

Imported with jupyter_client, on first use (:mod:`snppe_report.report.execute`, the
batch's warm kernels).
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient

__all__ = ["IOPUB_WAIT", "ReadyKernelClient"]

#: Seconds one ``kernel_info_request`` may take to show on IOPub, after its reply: a
#: subscription still silent then is not connected yet (zmq retries a connection every
#: 0.1 s while the kernel has not bound its sockets) and the request is sent again.
#: jupyter_client waits 0.2 s; the kernel publishes its status as it replies, so a
#: shorter wait only costs, at worst, one more request.
IOPUB_WAIT = 0.05
#: Seconds the shell reply to one ``kernel_info_request`` is awaited before another is sent.
SHELL_WAIT = 1.0


class ReadyKernelClient(AsyncKernelClient):
    """``AsyncKernelClient`` whose :meth:`wait_for_ready` returns as soon as it can, and
    that never starts a heartbeat channel."""

    def start_channels(
        self,
        shell: bool = True,
        iopub: bool = True,
        stdin: bool = True,
        hb: bool = True,
        control: bool = True,
    ) -> None:
        """Start the channels, but the heartbeat's when a kernel manager made this client.

        The manager then tells whether the kernel lives (``is_alive``): the heartbeat
        thread is never read. It is also unsafe to stop early: stopped before its
        thread has run, it loops making sockets until the zmq context refuses ("Too
        many open files"), and prints that traceback.
        """
        hb = hb and not self._managed()
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=hb, control=control)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait until the kernel answers on shell and its IOPub reaches us.

        Raises ``RuntimeError`` (in French) when the kernel died, or did not answer
        within ``timeout`` seconds (None: no limit). A client made without a kernel
        manager waits as jupyter_client does (it checks the heartbeat first).
        """
        if not self._managed():
            await super().wait_for_ready(timeout=timeout)
            return
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=SHELL_WAIT)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                if await self._iopub_reached(reply["parent_header"].get("msg_id")):
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self.is_alive():
                raise RuntimeError("le noyau s'est arrêté avant de répondre")
            if time.monotonic() > deadline:
                raise RuntimeError(f"le noyau n'a pas répondu en {timeout:.0f} s")

    def _managed(self) -> bool:
        from jupyter_client.manager import KernelManager

        return isinstance(self.parent, KernelManager)

    async def _iopub_reached(self, msg_id: str | None) -> bool:
        """Read IOPub until the ``idle`` status of request ``msg_id`` (the one answered),
        or the ``iopub_welcome`` a kernel sends to each new subscriber (ipykernel ≥ 7:
        the request's status may have gone out before the subscription was made).

        True once any message came (the subscription works), False if none came within
        :data:`IOPUB_WAIT` seconds.
        """
        end = time.monotonic() + IOPUB_WAIT
        seen = False
        while True:
            try:
                msg: dict[str, Any] = await self.iopub_channel.get_msg(
                    timeout=max(end - time.monotonic(), 0.0)
                )
            except Empty:
                return seen
            seen = True
            if msg["msg_type"] == "iopub_welcome":  # sent once the subscription is made
                return True
            if (
                msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
                and msg["parent_header"].get("msg_id") == msg_id
            ):
                return True
