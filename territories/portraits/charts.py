"""Small trend charts of a portrait, drawn as SVG by the template (no script)."""


def chart(points, width=320, height=120, pad=28, references=True):
    """Polylines for a small trend chart (SVG drawn by the template; no script).

    Counts are drawn alone: beside a département's or the région's totals they would lie
    flat; rates are drawn with their references.
    """
    keys = ("value", "departement", "region") if references else ("value",)
    values = [p[key] for p in points for key in keys if p[key] is not None]
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    first, last = points[0]["period"], points[-1]["period"]
    span = max(last - first, 1)
    left = 64  # room for the value labels

    def xy(period, value):
        x = left + (width - left - pad) * (period - first) / span
        y = height - pad + (value - low) / (high - low) * -(height - 2 * pad)
        return round(x, 1), round(y, 1)

    lines = {}
    for key in keys:
        coords = [xy(p["period"], p[key]) for p in points if p[key] is not None]
        lines[key] = {"points": " ".join(f"{x},{y}" for x, y in coords), "dots": coords}
    ticks = [{"x": xy(p["period"], low)[0], "label": p["period"]} for p in points]
    return {
        "width": width,
        "height": height,
        "lines": lines,
        "ticks": ticks,
        "low": low,
        "high": high,
        "baseline": height - pad,
        "bottom": height - pad + 14,
        "top": pad - 8,
    }
