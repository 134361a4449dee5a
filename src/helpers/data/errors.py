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


class MappingError(DeliveryError):
    """A harmonisation mapping (``data/mappings/*.yaml``) is inconsistent.

    A subclass of :class:`DeliveryError`, so that callers catching delivery
    problems also catch faulty mappings.

    Parameters
    ----------
    file : str
        Name of the mapping file.
    problem : str
        What is wrong, in one sentence.
    key : str, optional
        The offending key, as a dotted path (``variables.gender.recode``).
    value : object, optional
        The offending value.
    """

    def __init__(self, file, problem, key=None, value=None):
        super().__init__(file, problem, variable=key, value=value)
        parts = [f"mapping {self.file!r}"]
        if key is not None:
            parts.append(f"key {key!r}")
        if value is not None:
            parts.append(f"value {value!r}")
        self.args = (f"{', '.join(parts)}: {problem}",)

    def __str__(self):
        return self.args[0]


class OutputError(DeliveryError):
    """The processed data cannot be written (a folder that is a file, no permission).

    A subclass of :class:`DeliveryError`, so that the command line reports it
    the same way; ``file`` names the output folder or file.

    Parameters
    ----------
    path : str
        The output folder or file.
    problem : str
        What is wrong, in one sentence.
    """

    def __init__(self, path, problem):
        super().__init__(path, problem)
        self.args = (f"output {self.file!r}: {problem}",)

    def __str__(self):
        return self.args[0]
