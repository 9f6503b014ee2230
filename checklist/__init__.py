"""checklist: assess a draft ceasefire or peace text against humanitarian demands."""

__version__ = "0.1.0"


def create_app(test_config=None):
    """The web app (so that ``flask --app checklist run`` works); see checklist.web."""
    from .web import create_app as factory

    return factory(test_config)
