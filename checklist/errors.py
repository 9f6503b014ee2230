"""The project's own exceptions.

Every error a user can cause (a bad file, a bad rule file, an unknown rule set) is a
``ChecklistError`` whose message says what is wrong and how to fix it, in one sentence.
The CLI prints it as one line and exits 2; the web app turns it into a 4xx response.
"""


class ChecklistError(Exception):
    """Base class for errors caused by the user's input."""


class DocumentError(ChecklistError):
    """A draft could not be read (wrong type, too large, encrypted, empty...).

    ``kind`` says which, for callers that map errors to codes (the web app: 415 for
    "unsupported", 413 for "too_large", 422 otherwise): "unsupported" (not a text document),
    "too_large" (over a size, page or character limit) or "unreadable" (everything else)."""

    KINDS = ("unsupported", "too_large", "unreadable")

    def __init__(self, message, kind="unreadable"):
        super().__init__(message)
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}")
        self.kind = kind


class RuleError(ChecklistError):
    """A rule set is invalid or unknown. ``problems`` lists every problem found."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)
