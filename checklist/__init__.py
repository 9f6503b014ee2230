"""checklist: assess a draft ceasefire or peace text against humanitarian demands."""

__version__ = "0.1.0"
