"""Other sources of documents for a full reindex.

Pages and Wagtail documents are read by search itself; apps whose rows live
in the public schema (engage, bulletins) register a provider:
``register_provider(fn)`` where ``fn(unit)`` yields index_document kwargs
for that unit.
"""

_providers = []


def register_provider(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def providers():
    return list(_providers)
