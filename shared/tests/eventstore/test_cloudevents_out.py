"""What the relay publishes is exactly the stored event as a CloudEvent, whether its
data is spliced in as stored or upcast from an older version first."""

from __future__ import annotations

import json

from waymark_shared.events.envelope import NewEvent
from waymark_shared.eventstore.store import EventStore


def test_published_json_is_the_cloudevent_of_what_read_all_returns(store: EventStore) -> None:
    store.append("thing-1", 0, [
        NewEvent("ThingRegistered", "inst-1", {"name": "Quote \" and ünïcode", "size": 3}),
        NewEvent("ThingRenamed", "inst-1", {"name": "old shape"}, schema_version=1),
        NewEvent("ThingRenamed", "inst-1", {"name": "new shape", "reason": "typo"}),
    ])  # fmt: skip

    outgoing = store.read_all_cloudevents()
    expected = [event.to_cloudevent() for event in store.read_all()]

    assert [json.loads(o.value) for o in outgoing] == expected
    assert expected[1]["schemaversion"] == 2 and expected[1]["data"]["reason"] == "unspecified"
    assert [(o.id, o.type, o.subject, o.checkpoint) for o in outgoing] == [
        (e["id"], e["type"], e["subject"], event.checkpoint)
        for e, event in zip(expected, store.read_all(), strict=True)
    ]


def test_published_json_is_byte_for_byte_what_cloudevent_json_makes(store: EventStore) -> None:
    from waymark_shared.events.context import message_context
    from waymark_shared.events.envelope import cloudevent_json

    store.append("thing-1", 0, [NewEvent("ThingRegistered", "inst-1", {"name": "plain", "size": 1})])
    with message_context('corr-ü"1', causation_id="cause\\1", actor="ädmin </script>"):
        store.append("thing-\u2603", 0, [
            NewEvent("ThingRegistered", "inst-\"2", {"name": "Quote \" and ünïcode \u2028", "size": 3}),
            NewEvent("ThingRenamed", "inst-2", {"name": "new", "reason": "typo"}),
        ])  # fmt: skip

    outgoing = store.read_all_cloudevents()
    events = store.read_all()
    assert len(outgoing) == len(events) == 3
    for sent, event in zip(outgoing, events, strict=True):
        stored = json.dumps(dict(event.data), separators=(",", ":"))
        assert sent.value == cloudevent_json(event, stored)
