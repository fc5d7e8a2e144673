"""EmoSign Desktop: annotate and review sign-language video for emotion."""

__version__ = "0.1.0"
