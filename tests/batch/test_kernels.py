"""kernels: the batch's warm kernel, reset between notebooks (real ipykernel)."""

from __future__ import annotations

import pytest

from snppe_report.batch.kernels import WarmKernel
from snppe_report.report.kernel_client import ReadyKernelClient

pytestmark = pytest.mark.slow


@pytest.fixture
def kernel():
    warm = WarmKernel()
    warm.ensure("python3")
    yield warm
    warm.shutdown(close_loop=True)


def _value(kernel: WarmKernel, expression: str) -> str:
    reply = kernel._run(kernel._execute_silent(f"_v = repr({expression})", 30))
    assert reply["content"]["status"] == "ok", reply["content"]
    msg_id = kernel.kc.execute("", silent=True, user_expressions={"v": "_v"})
    while True:
        answer = kernel._run(kernel.kc.get_shell_msg(timeout=30))
        if answer["parent_header"].get("msg_id") == msg_id:
            return answer["content"]["user_expressions"]["v"]["data"]["text/plain"]


def test_its_client_is_ready_as_soon_as_the_kernel_answers(kernel):
    assert isinstance(kernel.kc, ReadyKernelClient)


def test_prepare_empties_the_namespace_moves_the_kernel_and_freezes_what_survives(kernel, tmp_path):
    kernel._run(kernel._execute_silent("rapport = 'précédent'", 30))
    kernel.prepare(tmp_path)
    assert _value(kernel, "'rapport' in globals()") == "'False'"
    assert _value(kernel, "__import__('os').getcwd()") == repr(repr(str(tmp_path)))
    assert int(_value(kernel, "__import__('gc').get_freeze_count()").strip("'")) > 1000


def test_a_notebook_s_own_garbage_cycles_are_still_collected(kernel, tmp_path):
    """Only what survived the previous reset is frozen: a cycle a notebook makes goes
    with the next reset's collection."""
    kernel.prepare(tmp_path)
    kernel._run(
        kernel._execute_silent(
            "import gc, weakref, builtins\n"
            "gc.disable()\n"  # no automatic collection: only the reset's may free it
            "class Noeud: pass\n"
            "a, b = Noeud(), Noeud()\n"
            "a.b, b.a = b, a\n"  # a cycle: reference counting alone never frees it
            "builtins._snppe_test_ref = weakref.ref(a)\n"
            "del a, b",
            30,
        )
    )
    assert _value(kernel, "__import__('builtins')._snppe_test_ref() is not None") == "'True'"
    kernel.prepare(tmp_path)
    assert _value(kernel, "__import__('builtins')._snppe_test_ref() is None") == "'True'"


def test_a_failed_notebook_s_data_are_not_frozen_with_its_traceback(kernel, tmp_path):
    """A failed cell's traceback holds its frames; dropped before the reset, they are
    collected, not frozen for the kernel's lifetime."""
    kernel.prepare(tmp_path)
    msg_id = kernel.kc.execute(
        "import weakref, builtins\n"
        "class Donnees: pass\n"
        "def calcul(donnees):\n"
        "    try:\n"
        "        1 / 0\n"
        "    except ZeroDivisionError as exc:\n"
        "        raise ValueError('cellule en échec') from exc\n"
        "d = Donnees()\n"
        "builtins._snppe_test_ref = weakref.ref(d)\n"
        "calcul(d)",
        silent=False,
    )
    while True:
        reply = kernel._run(kernel.kc.get_shell_msg(timeout=30))
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    assert reply["content"]["status"] == "error"
    kernel.prepare(tmp_path)
    assert _value(kernel, "__import__('builtins')._snppe_test_ref() is None") == "'True'"
