"""The Flask service skeleton: ``app.create_service_app`` and what routes use with it
(``openapi.api_route``, ``requests.load_json``, ``problems.Problem``,
``runtime.current_runtime``). Nothing is imported here, so that gunicorn can load
``gunicorn_conf`` before ``prometheus_client`` is imported."""
