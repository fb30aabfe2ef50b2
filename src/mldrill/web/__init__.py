"""The web application (FastAPI + Jinja2): server-rendered pages over the study and catalog layers."""
