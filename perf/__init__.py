"""Measurements of the workflow: time, memory and disk per stage, engines, codecs, and the
published scripts re-enacted. Not part of the product: nothing in softnet/ or rules/ imports it.
"""
