#!/usr/bin/env python3
"""Oracle: a TOML file as JSON, via Python's tomllib (3.11 standard library).

usage: config_toml.py FILE.toml
Prints the document as JSON: tables -> objects, arrays -> arrays, integers
stay integers, floats, booleans, strings; dates and times as RFC 3339
strings the way medcnn's load_config writes them: "1979-05-27",
"07:32:00" (".fraction" without trailing zeros when not zero),
"1979-05-27T07:32:00Z" (offset "Z" for UTC, "+HH:MM"/"-HH:MM" otherwise,
none for a local date-time).
"""
import datetime
import json
import sys
import tomllib


def fmt_time(t):
    s = "%02d:%02d:%02d" % (t.hour, t.minute, t.second)
    if t.microsecond:
        s += ("." + "%06d" % t.microsecond).rstrip("0")
    return s


def fmt_offset(tz, when):
    off = tz.utcoffset(when)
    minutes = int(off.total_seconds() // 60)
    if minutes == 0:
        return "Z"
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return "%s%02d:%02d" % (sign, minutes // 60, minutes % 60)


def convert(v):
    if isinstance(v, dict):
        return {k: convert(x) for k, x in v.items()}
    if isinstance(v, list):
        return [convert(x) for x in v]
    if isinstance(v, datetime.datetime):
        s = "%04d-%02d-%02dT%s" % (v.year, v.month, v.day, fmt_time(v.time()))
        if v.tzinfo is not None:
            s += fmt_offset(v.tzinfo, v)
        return s
    if isinstance(v, datetime.date):
        return "%04d-%02d-%02d" % (v.year, v.month, v.day)
    if isinstance(v, datetime.time):
        return fmt_time(v)
    return v


with open(sys.argv[1], "rb") as f:
    doc = tomllib.load(f)
print(json.dumps(convert(doc)))
