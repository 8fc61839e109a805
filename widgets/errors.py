"""The one exception the course's components raise for bad input."""

from clusterlab.errors import ClusterlabError


class ComponentError(ClusterlabError, ValueError):
    """Invalid input to a component, explained in plain words.

    Every model in :mod:`clusterlab.widgets` raises this exception, and only this one, when it
    is given something it cannot use. The message says what is wrong and how to put it right,
    so that a view can show it to the trainee as it is.
    """
