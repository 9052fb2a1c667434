"""A model list longer than the client keeps: the first models are listed, and the user is told."""

from __future__ import annotations

from tests.fakes import FakeKimiServer, json_reply
from tests.fakes.hostile import model_flood
from tests.unit.services.test_endpoint_service import KEY, make_service, on_server

#: ``Limits.models`` (kimi_desktop/api/bounded.py); tests outside tests/unit/api keep to the seam.
KEPT = 2000


def test_a_long_model_list_is_cut_and_the_user_is_told(tmp_path, qloop, qtbot) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        server.override("GET", "/v1/models", model_flood(KEPT + 1))
        service = make_service(tmp_path / "home", on_server("moonshot-global", server))
        service.save_key("moonshot-global", KEY)
        notes: list[str] = []
        service.models_failed.connect(lambda _id, text: notes.append(text))
        with qtbot.wait_signal(service.models_changed):
            qloop.run_until_complete(service.refresh_models("moonshot-global"))

    models = service.models("moonshot-global")
    assert len(models) == KEPT
    assert models[0].id == "model-0000000"
    assert notes == [
        f"The endpoint lists more models than the app can show; only the first {KEPT:,} "
        "are listed. Type a model id if yours is missing."
    ]


def test_a_list_that_fits_says_nothing(tmp_path, qloop, qtbot) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        server.override("GET", "/v1/models", json_reply({"data": [{"id": "kimi-k2.5"}]}))
        service = make_service(tmp_path / "home", on_server("moonshot-global", server))
        service.save_key("moonshot-global", KEY)
        notes: list[str] = []
        service.models_failed.connect(lambda _id, text: notes.append(text))
        with qtbot.wait_signal(service.models_changed):
            qloop.run_until_complete(service.refresh_models("moonshot-global"))

    assert notes == []
    assert [m.id for m in service.models("moonshot-global")] == ["kimi-k2.5"]
