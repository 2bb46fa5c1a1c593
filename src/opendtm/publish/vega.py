"""The chart renderer (vl-convert: Vega and Vega-Lite without a browser), and the Vega of
the bulletin's charts compiled once per layout.

Vega-Lite compiles a chart to Vega, then Vega draws it. The bar charts of a bulletin share
one layout, the maps a few: they differ in their data, their height, the end of their
value scale, the classes of their colour scale and the part of the world they show, and
each of those goes to one place of the Vega. So each layout is compiled once in a process
(the first chart of that layout), and every other chart of the layout is its Vega with the
chart's own values put in those places. A chart whose own values do not go where expected
is compiled for itself.
"""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

import vl_convert

_started = threading.Event()
_SHELLS: dict[str, dict[str, Any]] = {}  # a layout's Vega, without data, by the layout


def renderer() -> Any:
    """``vl_convert``, noted as started: its first call starts threads of its own (a
    JavaScript runtime), which a process forked after it would lack (see ``started``)."""
    _started.set()
    return vl_convert


def started() -> bool:
    """Whether this process has started the chart renderer."""
    return _started.is_set()


def to_vega(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega of a Vega-Lite chart: the same as ``vl_convert.vegalite_to_vega``."""
    own = _own(spec)
    key = json.dumps(_layout(spec, own), sort_keys=True)
    shell = _SHELLS.get(key)
    if shell is not None:
        return _fill(shell, own)
    compiled: dict[str, Any] = renderer().vegalite_to_vega(spec)
    shell = {**compiled, "data": [{k: v for k, v in d.items() if k != "values"}
                                  for d in compiled.get("data", [])]}
    if _fill(shell, own) == compiled:  # the chart's own values are where they are put
        _SHELLS[key] = shell
    return compiled


def _own(spec: dict[str, Any]) -> dict[str, Any]:
    """The values that differ between charts of one layout."""
    own: dict[str, Any] = {"data": spec.get("datasets", {})}
    if isinstance(spec.get("height"), int | float):
        own["height"] = spec["height"]
    if isinstance(spec.get("projection"), dict) and "fit" in spec["projection"]:
        own["fit"] = spec["projection"]["fit"]
    for layer in spec.get("layer", []):
        encoding = layer.get("encoding", {})
        domain = encoding.get("x", {}).get("scale", {}).get("domain")
        if domain is not None:
            own.setdefault("x", domain)
        scale = encoding.get("color", {}).get("condition", {}).get("scale")
        if scale is not None:
            own.setdefault("color", scale)
    return own


def _layout(spec: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """The chart without its own values."""
    layout = {k: v for k, v in spec.items() if k != "datasets" and (k != "height"
                                                                     or "height" not in own)}
    if "fit" in own:
        layout["projection"] = {**spec["projection"], "fit": None}
    if "x" in own or "color" in own:
        layout["layer"] = [copy.deepcopy(layer) for layer in spec["layer"]]
        for layer in layout["layer"]:
            encoding = layer.get("encoding", {})
            if "scale" in encoding.get("x", {}):
                encoding["x"]["scale"]["domain"] = None
            if "scale" in encoding.get("color", {}).get("condition", {}):
                encoding["color"]["condition"]["scale"] = None
    return layout


def _fill(shell: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """A layout's Vega with a chart's own values put in."""
    vega = copy.deepcopy(shell)
    for data in vega.get("data", []):
        if data.get("name") in own["data"]:
            data["values"] = own["data"][data["name"]]
    if "height" in own:
        vega["height"] = own["height"]
    if "fit" in own and vega.get("projections"):
        vega["projections"][0]["fit"] = own["fit"]
    scales = {scale["name"]: scale for scale in vega.get("scales", [])}
    if "x" in own and "x" in scales:
        scales["x"]["domain"] = own["x"]
    if "color" in own and "color" in scales:
        scales["color"].update(own["color"])
    return vega
