"""Exceptions raised for faulty data deliveries."""

from __future__ import annotations


class DeliveryError(ValueError):
    """A raw data file cannot be used as delivered.

    The message always names the file, and where they apply the variable and
    the offending value, so that the person who delivered the data can find
    and fix the problem.

    Parameters
    ----------
    file : str
        Name of the offending file.
    problem : str
        What is wrong, in one sentence.
    variable : str, optional
        The source variable concerned.
    value : object, optional
        The offending value.
    """

    def __init__(self, file, problem, variable=None, value=None):
        self.file = str(file)
        self.variable = variable
        self.value = value
        self.problem = problem
        parts = [f"file {self.file!r}"]
        if variable is not None:
            parts.append(f"variable {variable!r}")
        if value is not None:
            parts.append(f"value {value!r}")
        super().__init__(f"{', '.join(parts)}: {problem}")
