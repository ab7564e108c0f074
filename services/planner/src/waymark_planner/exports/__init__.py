"""Word and Excel exports of the annual careers plan and of the activity log.

``model`` is what the exports read (built by ``export_views.export_model``); ``docx`` and
``xlsx`` turn it into file bytes. Neither knows about the database or the events, and
the model holds no pupil names: participation is counts only.
"""
