"""Read the MyST markup of the notebooks: fenced directives and glue references.

The student notebooks, the student edition and the glue test all need the
same two answers about a Markdown cell: where its directives (``{exercise}``,
``{solution}``, ``{glue:figure}`` ...) begin and end, and which glued names it
references. This module gives both, without Sphinx.

Glue references come in these forms (myst-nb 1.x):

- inline roles ``{glue}`key```, ``{glue:text}`key:fmt```, ``{glue:md}`key```;
- directives ``{glue} key``, ``{glue:figure} key``, ``{glue:md} key``;
- a key of another page: ``notebook.ipynb::key`` (in a role or a directive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Block",
    "GlueReference",
    "fenced_blocks",
    "glue_references",
    "resolve_only_blocks",
    "glued_names",
    "GLUE_ROLE",
]

#: An inline glue role: kind ("", "text", "md", ...) and its content.
GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>[a-z]+))?\}`(?P<content>[^`]+)`")
_OPEN = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\{(?P<name>[^}\s]+)\}[ \t]*(?P<arg>.*)$"
)


@dataclass(frozen=True)
class Block:
    """A fenced directive in a Markdown text.

    ``start`` and ``end`` are line numbers (0-based, ``end`` inclusive: the
    closing fence, or the last line when the fence is never closed).
    """

    name: str
    argument: str
    start: int
    end: int
    fence: str


@dataclass(frozen=True)
class GlueReference:
    """One reference to a glued name: ``page`` is None for the same page."""

    key: str
    page: str | None
    kind: str
    fmt: str | None


def fenced_blocks(text):
    """List the top-level fenced directives of a Markdown text.

    Parameters
    ----------
    text : str
        Markdown (one notebook cell or a whole page).

    Returns
    -------
    list of Block
        In order of appearance; directives nested inside another are not
        listed (they are part of their parent's lines).

    Examples
    --------
    >>> [b.name for b in fenced_blocks("a\\n````{exercise} T\\n```python\\nx\\n```\\n````\\nb")]
    ['exercise']
    """
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match["fence"]
        end = len(lines) - 1
        for j in range(i + 1, len(lines)):
            stripped = lines[j].strip()
            if (
                stripped
                and set(stripped) == {fence[0]}
                and len(stripped) >= len(fence)
                and len(lines[j]) - len(lines[j].lstrip()) <= 3
            ):
                end = j
                break
        blocks.append(Block(match["name"], match["arg"].strip(), i, end, fence))
        i = end + 1
    return blocks


def _split_key(content):
    page = None
    if "::" in content:
        page, content = content.split("::", 1)
    key, _, fmt = content.partition(":")
    return key.strip(), page, fmt or None


def glue_references(text):
    """Find every reference to a glued name in a Markdown text.

    Parameters
    ----------
    text : str
        Markdown.

    Returns
    -------
    list of GlueReference

    Examples
    --------
    >>> refs = glue_references("{glue:text}`n:s` and {glue:text}`b.ipynb::m:.1f`")
    >>> [(r.key, r.page, r.fmt) for r in refs]
    [('n', None, 's'), ('m', 'b.ipynb', '.1f')]
    >>> [r.key for r in glue_references("```{glue:figure} fig_a\\n:name: f\\n```")]
    ['fig_a']
    """
    refs = []
    for match in GLUE_ROLE.finditer(text):
        key, page, fmt = _split_key(match["content"])
        refs.append(GlueReference(key, page, match["kind"] or "", fmt))
    lines = text.split("\n")
    for block in _all_blocks(lines):
        if block.name == "glue" or block.name.startswith("glue:"):
            key, page, _ = _split_key(block.argument)
            kind = block.name.partition(":")[2] or "any"
            refs.append(GlueReference(key, page, kind, None))
    return refs


def _all_blocks(lines):
    """Every fenced directive, nested ones included."""
    for i, line in enumerate(lines):
        match = _OPEN.match(line.lstrip()) if line.strip() else None
        if match:
            yield Block(match["name"], match["arg"].strip(), i, i, match["fence"])


def glued_names(notebook):
    """Names glued by a notebook's stored outputs.

    Parameters
    ----------
    notebook : dict or nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    dict
        ``{name: output}`` for every output with ``metadata.scrapbook.name``;
        the output's ``data`` keys are plain mime types (``text/plain``),
        without the ``application/papermill.record/`` prefix of a stored
        glue record.
    """
    names = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            name = scrapbook.get("name")
            if name:
                prefix = scrapbook.get("mime_prefix", "")
                data = {
                    mime.removeprefix(prefix): "".join(v) if isinstance(v, list) else v
                    for mime, v in output.get("data", {}).items()
                }
                names[name] = {**output, "data": data}
    return names


#: The opening line of an ``{only}`` block, also as the first line of a list
#: item (``- ```{only} tag`` or ``3. :::{only} tag``).
_ONLY_OPEN = re.compile(
    r"^(?P<lead> *)(?P<marker>(?:[-*+]|\d+[.)]) +)?(?P<fence>`{3,}|:{3,})\{only\}[ \t]*(?P<tag>\S*)[ \t]*$"
)


def resolve_only_blocks(text, tag):
    """Write out the ``{only}`` blocks of a Markdown text for one Sphinx tag.

    Outside Sphinx (a notebook opened in JupyterLab) an ``{only}`` directive
    is not understood. This keeps the content of the blocks for ``tag`` and
    drops the others, also where a block opens a list item, and also when
    blocks are nested in other directives.

    Parameters
    ----------
    text : str
        Markdown.
    tag : str
        The tag that is set, e.g. ``"synthetic_data"``.

    Returns
    -------
    str
        The text without ``{only}`` fences; a list item whose first block is
        dropped starts with the block that is kept.

    Raises
    ------
    ValueError
        If an ``{only}`` block is never closed.

    Examples
    --------
    >>> text = "- ```{only} a\\n  Eerste.\\n  ```\\n\\n  ```{only} b\\n  Tweede.\\n  ```\\n- Verder."
    >>> print(resolve_only_blocks(text, "b"))
    - Tweede.
    - Verder.
    """
    lines = text.split("\n")
    out, carried, i = [], None, 0
    while i < len(lines):
        match = _ONLY_OPEN.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        fence, indent = match["fence"], len(match["lead"]) + len(match["marker"] or "")
        for j in range(i + 1, len(lines)):
            stripped = lines[j].strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                break
        else:
            raise ValueError(f"an {{only}} block is never closed: {lines[i].strip()!r}")
        lead, marker = match["lead"], match["marker"]
        if marker is None and carried is not None:
            lead, marker = carried
            while out and not out[-1].strip():
                out.pop()
        carried = None
        body = lines[i + 1 : j]
        if match["tag"] == tag:
            kept = resolve_only_blocks("\n".join(b[indent:] for b in body), tag).split("\n")
            if marker is not None and kept:
                out.append(lead + marker + kept[0])
                kept = kept[1:]
            out.extend(" " * indent + k if k.strip() else "" for k in kept)
        elif marker is not None:
            carried = (lead, marker)
        i = j + 1
        if not any(line.strip() for line in out[-1:]) and i < len(lines) and not lines[i].strip():
            i += 1
    return "\n".join(out)
