"""Numbers stated in a notebook's prose are computed, never typed.

A notebook computes its numbers with package functions and states them with
:func:`say`, which renders Markdown from a template. Static Markdown cells hold
no computed numbers (a test checks that the only numbers there come from the
literature in ``docs/literature.md``); tests call the same package functions
and check the values.
"""

from __future__ import annotations

import math
from typing import Any

from IPython.display import Markdown


def fmt(value: Any) -> str:
    """A number as prose writes it: thousands separators, at most three significant decimals."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if abs(value) >= 10:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:,.1f}"
        return f"{value:.2g}"
    return str(value)


def say(template: str, **values: Any) -> Markdown:
    """Render a Markdown sentence with computed values, e.g. ``say("{n} events", n=len(df))``.

    Values are formatted with :func:`fmt` unless the template gives a format
    spec (``{share:.0%}``).
    """
    formatted = {}
    for key, value in values.items():
        spec_used = "{" + key + ":" in template
        formatted[key] = value if spec_used else fmt(value)
    return Markdown(template.format(**formatted))


def attempt(function, *args, **kwargs):
    """Call ``function``; if the data is refused (a ``ContractError``), show the message as a quote and return None.

    For notebooks that demonstrate an error a user will meet, without a traceback a reader must decode."""
    from IPython.display import display

    from influence_lab.contract import ContractError

    try:
        return function(*args, **kwargs)
    except ContractError as exc:
        quoted = "\n".join("> " + line.replace("*", "\\*") + "  " for line in str(exc).splitlines())
        display(Markdown(f"**Refused** ({type(exc).__name__}):\n\n{quoted}"))
        return None


def interact(function, **controls):
    """``ipywidgets.interact(function, **controls)``, followed by a static view of the default setting.

    A widget has no view without a running kernel, so a report or a reader's HTML page would show a blank where
    the slider stood. The static view (the function's figures, tables and text at each control's starting value,
    folded under "Static view at the default setting") is what such a reader sees; in JupyterLab it stays
    folded below the live control.
    """
    import base64
    import html

    import ipywidgets
    from IPython.display import HTML, display
    from IPython.utils.capture import capture_output

    ipywidgets.interact(function, **controls)
    defaults = {name: getattr(control, "value", control) for name, control in controls.items()}
    with capture_output() as captured:
        result = function(**defaults)
    parts = [f"<pre>{html.escape(captured.stdout)}</pre>"] if captured.stdout else []
    for output in captured.outputs:
        data = output.data
        if "image/png" in data:
            png = data["image/png"]
            png = png if isinstance(png, str) else base64.b64encode(png).decode()
            parts.append(f'<img alt="static view" src="data:image/png;base64,{png}">')
        elif "text/html" in data:
            parts.append(data["text/html"])
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(data['text/plain'])}</pre>")
    if result is not None:
        parts.append(result.to_html() if hasattr(result, "to_html") else f"<pre>{html.escape(repr(result))}</pre>")
    shown = ", ".join(f"{name} = {value}" for name, value in defaults.items())
    display(HTML(f'<details class="static-view"><summary>Static view at the default setting ({shown})</summary>'
                 f'{"".join(parts)}</details>'))
