"""Published contracts for partner systems: JSON Schema per event type and version, and
one AsyncAPI 3.0 document describing the topics, their keys and their messages.

The JSON Schemas are generated from the same marshmallow schemas that validate every
append, so what partners read is what the platform enforces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter

from waymark_shared.config import topic_for
from waymark_shared.events.envelope import dataschema_uri
from waymark_shared.events.registry import EventContract, EventRegistry

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _converter() -> OpenAPIConverter:
    plugin = MarshmallowPlugin()
    spec = APISpec("Waymark events", "1", "3.1.0", plugins=[plugin])
    return OpenAPIConverter("3.1.0", lambda schema: None, spec)


def data_schema(registry: EventRegistry, contract: EventContract) -> dict[str, Any]:
    """The JSON Schema of one event type's ``data`` at one version."""
    schema = _converter().schema2jsonschema(contract.schema)
    schema["additionalProperties"] = False
    event_type = registry.qualified(contract.name)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": dataschema_uri(event_type, contract.version),
        "title": f"{contract.name} v{contract.version}",
        "description": contract.description,
        **schema,
    }


def envelope_schema() -> dict[str, Any]:
    """The CloudEvents structured-mode envelope every message carries."""
    text = {"type": "string"}
    nullable = {"type": ["string", "null"]}
    return {
        "type": "object",
        "required": [
            "specversion",
            "id",
            "source",
            "type",
            "subject",
            "time",
            "schemaversion",
            "streamid",
            "streamversion",
            "data",
        ],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {**text, "format": "uuid", "description": "Unique per event; deduplicate on it."},
            "source": {**text, "description": "The producing service, e.g. /waymark/audit."},
            "type": {**text, "description": "e.g. uk.waymark.audit.AuditCompleted"},
            "subject": {**text, "description": "The institution id (also the Kafka key)."},
            "time": {**text, "format": "date-time"},
            "datacontenttype": {"const": "application/json"},
            "dataschema": text,
            "schemaversion": {"type": "integer", "minimum": 1},
            "streamid": text,
            "streamversion": {"type": "integer", "minimum": 1},
            "correlationid": nullable,
            "causationid": nullable,
            "actor": nullable,
            "position": {**text, "description": "Place in the producer's log (commit-position)."},
            "data": {"type": "object"},
        },
    }


def asyncapi_document(definitions: Mapping[str, Any], topic_prefix: str) -> dict[str, Any]:
    channels, operations, messages, schemas = {}, {}, {}, {"CloudEvent": envelope_schema()}
    for name, definition in definitions.items():
        registry: EventRegistry = definition.registry
        latest = [c for c in registry.contracts() if c.version == registry.latest_version(c.name)]
        if not latest:
            continue
        refs = {}
        for contract in latest:
            key = contract.name
            schemas[key] = data_schema(registry, contract)
            messages[key] = _message(registry, contract)
            refs[key] = {"$ref": f"#/components/messages/{key}"}
        topic = topic_for(topic_prefix, name)
        channels[name] = {
            "address": topic,
            "description": f"Events produced by {definition.title}. Key: institution id.",
            "messages": refs,
            "bindings": {"kafka": {"topic": topic, "bindingVersion": "0.5.0"}},
        }
        operations[f"receive-{name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"Subscribe to {topic} with your own consumer group.",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Waymark events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in structured JSON mode, one topic per producing "
            "service, keyed by institution id so each institution's events are ordered. "
            "Delivery is at least once: deduplicate on the event id.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _message(registry: EventRegistry, contract: EventContract) -> dict[str, Any]:
    return {
        "name": contract.name,
        "title": registry.qualified(contract.name),
        "summary": contract.description,
        "contentType": "application/cloudevents+json",
        "headers": {"type": "object", "properties": {"content-type": {"type": "string"}}},
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {
                    "properties": {
                        "type": {"const": registry.qualified(contract.name)},
                        "data": {"$ref": f"#/components/schemas/{contract.name}"},
                    }
                },
            ]
        },
        "bindings": {
            "kafka": {"key": {"type": "string", "description": "institution id"}, "bindingVersion": "0.5.0"}
        },
    }


def write_contracts(definitions: Mapping[str, Any], out: Path, topic_prefix: str) -> list[Path]:
    written = []
    for name, definition in definitions.items():
        registry: EventRegistry = definition.registry
        for contract in registry.contracts():
            path = out / "jsonschema" / name / f"{contract.name}.v{contract.version}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data_schema(registry, contract), indent=2) + "\n")
            written.append(path)
    document = out / "asyncapi.yaml"
    document.parent.mkdir(parents=True, exist_ok=True)
    document.write_text(yaml.safe_dump(asyncapi_document(definitions, topic_prefix), sort_keys=False))
    written.append(document)
    return written
